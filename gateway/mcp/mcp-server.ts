import { Server } from '@modelcontextprotocol/sdk/server/index.js';
import {
  CallToolRequestSchema,
  ListResourcesRequestSchema,
  ListToolsRequestSchema,
  ReadResourceRequestSchema,
  type Tool,
} from '@modelcontextprotocol/sdk/types.js';
import { ErrorCode } from '../common/errors.js';
import type { ClientInfo } from '../common/types.js';
import type { Logger } from '../common/logger.js';
import type { Pipeline } from '../pipeline/types.js';
import type { ContractResources } from './contract-resources.js';
import { EXECUTE_GRAPHQL } from './execute-graphql-tool.js';
import { httpCallOf } from './http-call.js';
import { McpRequestError, mcpError } from './mcp-error.js';
import type { McpMetrics } from './mcp-metrics.js';
import type { Toolbox } from './toolbox.js';
import type { McpTool } from './types.js';

export interface SessionServerOptions {
  readonly toolbox: Toolbox;
  /** MCP_EXECUTE_GRAPHQL: off refuses `execute_graphql` with MCP_TOOL_DISABLED. */
  readonly executeGraphql: boolean;
  readonly contracts: ContractResources;
  readonly metrics: McpMetrics;
  readonly pipeline: Pipeline;
  readonly logger: Pick<Logger, 'error'>;
}

const INSTRUCTIONS =
  'meshgate serves the data products of a data mesh. Find products with search_data_products, read a ' +
  "product's contract and your own access with describe_data_product, read data with the published " +
  'operation tools, and ask for fields you are denied with request_access. Your policies apply to every ' +
  'read: masked values stay masked, denied fields are null with UNAUTHORIZED_FIELD_OR_TYPE.';

/**
 * The MCP server of one session. The SDK's low-level `Server`, not `McpServer`: the tools' input
 * schemas are JSON Schema made from GraphQL variables, and the list follows the supergraph in
 * service, which `McpServer`'s zod-typed registry does not express. Each handler reads who
 * asks from the HTTP request it came on (`extra.authInfo`); protocol mistakes are JSON-RPC
 * errors with a code, never a crash; a tool's own failure (a refused operation, a denied
 * request) is a tool result with `isError`, which the agent reads.
 */
export function sessionServer(options: SessionServerOptions): Server {
  const { toolbox, executeGraphql, contracts, metrics, pipeline, logger } = options;
  const server = new Server(
    { name: 'meshgate', title: 'meshgate data mesh', version: '1.0.0' },
    {
      capabilities: { tools: { listChanged: true }, resources: { listChanged: true } },
      instructions: INSTRUCTIONS,
    },
  );
  const client = (): ClientInfo => {
    const info = server.getClientVersion();
    return {
      name: `mcp:${info?.name ?? 'unknown'}/${info?.version ?? 'unknown'}`.slice(0, 128),
      version: info?.version?.slice(0, 128),
    };
  };

  server.setRequestHandler(ListToolsRequestSchema, () => ({ tools: toolbox.tools().map(listing) }));

  server.setRequestHandler(CallToolRequestSchema, async (request, extra) => {
    const http = httpCallOf(extra.authInfo);
    const { name } = request.params;
    const args = request.params.arguments ?? {};
    if (name === EXECUTE_GRAPHQL && !executeGraphql) {
      metrics.called(name, 'invalid');
      throw mcpError(ErrorCode.MCP_TOOL_DISABLED);
    }
    const tool = toolbox.find(name);
    if (!tool) {
      metrics.called(null, 'invalid');
      throw mcpError(ErrorCode.MCP_UNKNOWN_TOOL, `No tool "${name.slice(0, 64)}" (tools/list lists them)`);
    }
    const problems = toolbox.check(tool, args);
    if (problems.length) {
      metrics.called(name, 'invalid');
      throw mcpError(ErrorCode.MCP_INVALID_ARGUMENTS, `${name}: ${problems.join('; ')}`, { problems });
    }
    try {
      const { result, outcome } = await tool.call(args, { ...http, client: client(), pipeline });
      metrics.called(name, outcome);
      return result;
    } catch (error) {
      metrics.called(name, 'error');
      logger.error({ err: error, tool: name }, 'MCP tool failed');
      throw mcpError(ErrorCode.INTERNAL_SERVER_ERROR);
    }
  });

  server.setRequestHandler(ListResourcesRequestSchema, (_request, extra) => ({
    resources: contracts.list(httpCallOf(extra.authInfo).principal),
  }));

  server.setRequestHandler(ReadResourceRequestSchema, (request, extra) => {
    try {
      return contracts.read(httpCallOf(extra.authInfo).principal, request.params.uri);
    } catch (error) {
      if (error instanceof McpRequestError) throw error;
      logger.error({ err: error }, 'MCP resource read failed');
      throw mcpError(ErrorCode.INTERNAL_SERVER_ERROR);
    }
  });
  return server;
}

function listing(tool: McpTool): Tool {
  return {
    name: tool.name,
    title: tool.title,
    description: tool.description,
    inputSchema: tool.inputSchema as Tool['inputSchema'],
    annotations: { title: tool.title, ...tool.annotations },
  };
}

/** The MCP module's public contracts: its configuration, its tools and what a tool call gets. */
import type { CallToolResult, ToolAnnotations } from '@modelcontextprotocol/sdk/types.js';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { ClientInfo, Outcome, Principal } from '../common/types.js';
import type { Pipeline } from '../pipeline/types.js';

export interface McpConfig {
  /** MESHGATE_MCP: `/mcp` and the protected-resource metadata are served. */
  readonly enabled: boolean;
  /** MCP_EXECUTE_GRAPHQL: the ad-hoc `execute_graphql` tool is listed and runs. */
  readonly executeGraphql: boolean;
  readonly maxSessions: number;
  readonly sessionIdleMs: number;
  /** The RFC 9728 metadata's `authorization_servers`: where a client gets a token. */
  readonly authorizationServers: readonly string[];
}

/** A JSON Schema as MCP carries a tool's input: an object at the root. */
export interface ObjectSchema {
  readonly type: 'object';
  readonly properties: Readonly<Record<string, JsonSchema>>;
  readonly required?: readonly string[];
  readonly additionalProperties?: boolean;
  readonly $defs?: Readonly<Record<string, JsonSchema>>;
  readonly description?: string;
}

export type JsonSchema = Readonly<Record<string, unknown>>;

/**
 * One tool call, as the tool sees it: who asks (authenticated on this HTTP request, as
 * /graphql authenticates), the MCP client of the session, and the HTTP request it came on,
 * which the pipeline runs the tool's operation against.
 */
export interface ToolCall {
  readonly principal: Principal;
  /** `mcp:<name>/<version>` from the initialize handshake: the ClientInfo lineage records. */
  readonly client: ClientInfo;
  readonly request: FastifyRequest;
  readonly reply: FastifyReply;
  readonly pipeline: Pipeline;
}

/** What a tool call came to: the MCP result, and its outcome for the metrics. */
export interface ToolOutcome {
  readonly result: CallToolResult;
  /** The vocabulary of requests (ok, partial, error, rejected). */
  readonly outcome: Outcome;
}

/** A tool of the MCP server: its listing, and how it runs once its arguments matched `inputSchema`. */
export interface McpTool {
  readonly name: string;
  readonly title: string;
  readonly description: string;
  readonly inputSchema: ObjectSchema;
  readonly annotations: ToolAnnotations;
  call(args: Readonly<Record<string, unknown>>, call: ToolCall): Promise<ToolOutcome>;
}

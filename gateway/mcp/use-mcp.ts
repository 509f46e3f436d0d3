import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { AuthInfo } from '@modelcontextprotocol/sdk/server/auth/types.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { isInitializeRequest } from '@modelcontextprotocol/sdk/types.js';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Registry } from 'prom-client';
import type { AccessService } from '../access/index.js';
import { AuthenticationError } from '../auth/authentication-error.js';
import type { Authenticate } from '../auth/types.js';
import { catalogSources } from '../catalog/catalog-sources.js';
import { ErrorCode, type HttpErrorCode } from '../common/errors.js';
import type { Logger } from '../common/logger.js';
import type { Principal } from '../common/types.js';
import type { MeshgateConfig } from '../config/config.js';
import type { SloStatus } from '../health/slo-status.js';
import { readSafelist } from '../persisted/safelist.js';
import type { Pipeline, Stage } from '../pipeline/types.js';
import type { PolicyStage } from '../policy/use-policy.js';
import type { PolicyRule } from '../policy/types.js';
import type { SupergraphStage } from '../supergraph/use-supergraph.js';
import { describeDataProduct, searchDataProducts } from './catalog-tools.js';
import { callerView } from './caller-view.js';
import { contractResources } from './contract-resources.js';
import { executeGraphqlTool } from './execute-graphql-tool.js';
import { McpHttpCall } from './http-call.js';
import { translateRefusals } from './jsonrpc-refusals.js';
import { jsonRpcRefusal } from './mcp-error.js';
import { mcpMetrics } from './mcp-metrics.js';
import { sessionServer } from './mcp-server.js';
import { mcpSessions } from './mcp-sessions.js';
import { publishedOperations } from './operation-tools.js';
import { bearerChallenge, MCP_PATH, METADATA_PATH, protectedResourceMetadata } from './protected-resource.js';
import { requestAccessTool } from './request-access-tool.js';
import { OWN_TOOLS, toolbox } from './toolbox.js';

export interface UseMcpOptions {
  /** `config.mcp` (MESHGATE_MCP, MCP_*), the published manifest (SAFELIST_PATH) and the catalog's routing. */
  readonly config: MeshgateConfig;
  /** The function /graphql authenticates with. */
  readonly authenticate: Authenticate;
  /** The supergraph in service and its descriptors (the contracts). */
  readonly supergraph: SupergraphStage;
  /** The engine /graphql decides with: the caller's own decision per field. */
  readonly policy: PolicyStage;
  /** The access service the console files requests with. */
  readonly access: { readonly service: AccessService };
  readonly rules: readonly PolicyRule[];
  /** Measured SLOs and health; null when SLIs are off. */
  readonly slo: SloStatus | null;
  /** The gateway's metrics registry: tool calls by tool and outcome. */
  readonly registry: Registry;
  readonly logger: Logger;
}

/**
 * The MCP stage: the gateway's data products for AI agents over the Model Context Protocol
 * (Streamable HTTP at `/mcp`, the official SDK), and the RFC 9728 metadata that names the
 * identity provider. A bearer token is verified as on /graphql (none: the anonymous principal,
 * or 401 with a `WWW-Authenticate` challenge when AUTH_REQUIRED=true). Every tool that reads
 * data runs its operation through `pipeline` — the stages /graphql runs, never a copy — and
 * lineage records the MCP client and the tool. MESHGATE_MCP=off: a stage with no routes.
 */
export function useMcp(options: UseMcpOptions): Stage {
  const { config, authenticate, supergraph, policy, logger } = options;
  const mcp = config.mcp;
  if (!mcp.enabled) return { name: 'mcp' };

  const safelist = config.persisted.safelistPath ? readSafelist(config.persisted.safelistPath) : null;
  const operations = publishedOperations(safelist, OWN_TOOLS, logger);
  const view = callerView({
    catalog: () => {
      const model = supergraph.model();
      return (
        model && catalogSources(config, model, null, options.rules, supergraph.descriptors(), options.slo)
      );
    },
    engine: () => policy.engine(),
  });
  const tools = toolbox(
    [
      searchDataProducts(view),
      describeDataProduct(view, () => supergraph.descriptors()),
      requestAccessTool(options.access.service),
      ...(mcp.executeGraphql ? [executeGraphqlTool()] : []),
    ],
    operations,
    () => supergraph.model(),
  );
  const contracts = contractResources(() => supergraph.descriptors());
  const sessions = mcpSessions({ max: mcp.maxSessions, idleMs: mcp.sessionIdleMs });
  const metrics = mcpMetrics(options.registry, () => sessions.size);
  const sweeper = setInterval(() => sessions.sweep(), Math.min(mcp.sessionIdleMs, 60_000));
  sweeper.unref();
  logger.info(
    {
      tools: tools.tools().map((t) => t.name),
      operations: operations.length,
      executeGraphql: mcp.executeGraphql,
    },
    'MCP endpoint at /mcp',
  );

  /** A new session's transport, connected to its server; the session is kept once initialize succeeds. */
  const open = async (principal: Principal, pipeline: Pipeline): Promise<StreamableHTTPServerTransport> => {
    const server = sessionServer({
      toolbox: tools,
      executeGraphql: mcp.executeGraphql,
      contracts,
      metrics,
      pipeline,
      logger,
    });
    const transport: StreamableHTTPServerTransport = new StreamableHTTPServerTransport({
      sessionIdGenerator: () => randomUUID(),
      // One JSON answer per POST: no stream to keep open for a tool call.
      enableJsonResponse: true,
      onsessioninitialized: (id) =>
        sessions.add({ id, transport, server, sub: principal.sub, lastSeen: Date.now() }),
      onsessionclosed: (id) => sessions.forget(id),
    });
    transport.onclose = () => {
      if (transport.sessionId) sessions.forget(transport.sessionId);
    };
    await server.connect(transport);
    return transport;
  };

  const refuse = (reply: FastifyReply, code: HttpErrorCode, message?: string) => {
    const { status, body } = jsonRpcRefusal(code, message);
    return reply.code(status).send(body);
  };

  const handle = async (request: FastifyRequest, reply: FastifyReply, pipeline: Pipeline) => {
    let principal: Principal;
    try {
      principal = await authenticate(request.headers.authorization);
    } catch (error) {
      if (!(error instanceof AuthenticationError)) throw error;
      void reply.header('www-authenticate', bearerChallenge(request, error.code === ErrorCode.TOKEN_INVALID));
      return refuse(reply, error.code, error.message);
    }
    const id = request.headers['mcp-session-id'];
    let transport: StreamableHTTPServerTransport;
    if (typeof id !== 'string') {
      if (request.method !== 'POST' || !isInitializeRequest(request.body))
        return refuse(reply, ErrorCode.MCP_SESSION_REQUIRED);
      transport = await open(principal, pipeline);
    } else {
      const session = sessions.get(id);
      if (!session) return refuse(reply, ErrorCode.MCP_SESSION_NOT_FOUND);
      if (session.sub !== principal.sub) return refuse(reply, ErrorCode.MCP_SESSION_FORBIDDEN);
      transport = session.transport;
    }
    const raw: IncomingMessage & { auth?: AuthInfo } = request.raw;
    raw.auth = new McpHttpCall(principal, request, reply).toAuthInfo();
    // The transport writes the answer (JSON, or the GET stream) on the raw response itself.
    reply.hijack();
    await transport.handleRequest(raw, reply.raw, request.body);
    return reply;
  };

  return {
    name: 'mcp',
    async routes(app: FastifyInstance, pipeline: Pipeline) {
      for (const url of [METADATA_PATH, `${METADATA_PATH}${MCP_PATH}`])
        app.get(url, async (request) => protectedResourceMetadata(mcp, request));
      await app.register(async (scope) => {
        // The HTTP stage's refusals (413, malformed JSON …) reach an MCP client as JSON-RPC errors.
        translateRefusals(scope);
        scope.route({
          method: ['GET', 'POST', 'DELETE'],
          url: MCP_PATH,
          handler: (request, reply) => handle(request, reply, pipeline),
        });
      });
      // Before the server waits for its connections: a client's open GET stream would hold it.
      app.addHook('preClose', () => sessions.closeAll());
    },
    onSchemaChange() {
      // A new supergraph can change the operations' input schemas and the contracts.
      for (const session of sessions.all()) {
        void session.server.sendToolListChanged().catch(() => undefined);
        void session.server.sendResourceListChanged().catch(() => undefined);
      }
    },
    async close() {
      clearInterval(sweeper);
      await sessions.closeAll();
    },
  };
}

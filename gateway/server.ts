import { createHash } from 'node:crypto';
import { ApolloGateway } from '@apollo/gateway';
import { ApolloServer } from '@apollo/server';
import fastifyApollo, { fastifyApolloDrainPlugin } from '@as-integrations/fastify';
import Fastify from 'fastify';
import { listen } from '../subgraphs/kit/server.js';
import type { MeshgateConfig } from './config.js';
import { ANONYMOUS, type GatewayContext } from './context.js';
import { ErrorCode, StartupError } from './errors.js';
import { formatError } from './format-error.js';
import type { Logger } from './logger.js';
import { requestIdFrom } from './request-id.js';
import { SubgraphDataSource } from './subgraph-data-source.js';
import { supergraphSource } from './supergraph-source.js';

export interface RunningGateway {
  readonly url: string;
  readonly port: number;
  stop(): Promise<void>;
}

/** What `/ready` reports: which supergraph is served, since when. */
interface Readiness {
  ready: boolean;
  supergraph: { source: string; id: string | null; loadedAt: string | null };
}

/**
 * The gateway service: @apollo/gateway behind @apollo/server on fastify. It serves any valid
 * supergraph; GraphQL at /graphql, liveness at /health, readiness at /ready.
 */
export async function startGateway(config: MeshgateConfig, logger: Logger): Promise<RunningGateway> {
  const source = supergraphSource(config);
  const readiness: Readiness = { ready: false, supergraph: { source: source.describe, id: null, loadedAt: null } };

  const gateway = new ApolloGateway({
    supergraphSdl: source.supergraphSdl,
    // A supergraph names each subgraph's URL; SUBGRAPH_URLS re-routes it (e.g. in containers).
    buildService: ({ name, url }) => new SubgraphDataSource(name, config.subgraphUrls[name] ?? url ?? ''),
    logger,
  });
  gateway.onSchemaLoadOrUpdate(({ coreSupergraphSdl }) => {
    readiness.supergraph.id = createHash('sha256').update(coreSupergraphSdl).digest('hex').slice(0, 12);
    readiness.supergraph.loadedAt = new Date().toISOString();
  });

  const app = Fastify({ logger: false });
  const apollo = new ApolloServer<GatewayContext>({
    gateway,
    plugins: [fastifyApolloDrainPlugin(app)],
    includeStacktraceInErrorResponses: config.environment === 'development',
    formatError: formatError(config.environment),
    logger,
  });
  try {
    await apollo.start();
  } catch (cause) {
    throw new StartupError(
      ErrorCode.SUPERGRAPH_INVALID,
      `cannot serve supergraph ${source.describe}: ${firstLine(cause)}`,
      cause,
    );
  }

  await app.register(fastifyApollo(apollo), {
    path: '/graphql',
    context: async (request, reply): Promise<GatewayContext> => {
      const requestId = requestIdFrom(request.headers['x-request-id']);
      void reply.header('x-request-id', requestId);
      return {
        requestId,
        startedAt: process.hrtime.bigint(),
        client: { name: header(request.headers['apollographql-client-name']), version: header(request.headers['apollographql-client-version']) },
        principal: ANONYMOUS,
        decisions: [],
        fetches: [],
      };
    },
  });
  app.get('/health', async () => ({ status: 'ok' }));
  app.get('/ready', async (_request, reply) => reply.code(readiness.ready ? 200 : 503).send({ status: readiness.ready ? 'ready' : 'starting', ...readiness }));

  const port = await listen(app, config.port, config.host, 'gateway').catch(async (error: unknown) => {
    await apollo.stop();
    throw error;
  });
  readiness.ready = true;
  const url = `http://${config.host === '0.0.0.0' ? '127.0.0.1' : config.host}:${port}/graphql`;
  logger.info({ url, supergraph: readiness.supergraph }, 'gateway ready');
  return {
    url,
    port,
    async stop() {
      readiness.ready = false;
      await app.close();
      await apollo.stop();
    },
  };
}

function header(value: string | string[] | undefined): string | undefined {
  return typeof value === 'string' ? value.slice(0, 128) : undefined;
}

function firstLine(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.split('\n').find((line) => line.trim()) ?? 'unknown error';
}

import type { KeyObject } from 'node:crypto';
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginInlineTraceDisabled } from '@apollo/server/plugin/disabled';
import fastifyApollo, { fastifyApolloDrainPlugin } from '@as-integrations/fastify';
import Fastify from 'fastify';
import { closeAfterResponseOnStop } from '../../gateway/common/close-after-response.js';
import { listen } from '../../gateway/common/listen.js';
import type { Logger } from '../../gateway/common/logger.js';
import { openDatabase, type Database } from './database.js';
import type { DataProduct, SubgraphContext } from './data-product.js';
import { requestRowFilters, requireGatewayContext } from './gateway-context.js';
import { ensureSeeded } from './seed.js';
import { traceResolvers, traceSubgraph } from './tracing.js';

export interface SubgraphServerOptions {
  /** 0 picks a free port. */
  port: number;
  host: string;
  /** A PostgreSQL URL; embedded PGlite when absent. */
  databaseUrl?: string | undefined;
  /** PGlite only: where the data is kept; in memory when absent. */
  dataDir?: string | undefined;
  /** PGlite in memory only: a seeded data directory to start from (DatabaseOptions.template). */
  template?: Blob | undefined;
  /**
   * What the gateway's context tokens are verified with (no bypass): its public key (a private
   * key is reduced to its public half), or the URL of its JWKS (`/.well-known/meshgate/keys`).
   */
  contextKey: KeyObject | URL;
  /** One line per request with the gateway's `x-request-id`, so a fetch correlates with the gateway's log. None when absent. */
  logger?: Logger | undefined;
}

export interface RunningSubgraph {
  readonly name: string;
  readonly url: string;
  readonly port: number;
  readonly db: Database;
  readonly seeded: 'seeded' | 'present';
  stop(): Promise<void>;
}

/**
 * Serves one data product: opens (and on first start seeds) its database, then serves its
 * Federation 2 subgraph at `/graphql`, liveness at `/health` and readiness at `/ready`.
 */
export async function startSubgraph(
  product: DataProduct,
  options: SubgraphServerOptions,
): Promise<RunningSubgraph> {
  const db = await openDatabase({
    schema: product.name,
    url: options.databaseUrl,
    dataDir: options.dataDir,
    template: options.template,
  });
  try {
    const seeded = await ensureSeeded(db, product.sql);
    const app = Fastify({ logger: false });
    const apollo = new ApolloServer<SubgraphContext<unknown>>({
      schema: traceResolvers(product.buildSchema(), product.name),
      // Inline traces are for Apollo's usage reporting, which meshgate does not use; they cost
      // CPU on every response.
      plugins: [fastifyApolloDrainPlugin(app), ApolloServerPluginInlineTraceDisabled()],
      // The process owns SIGINT/SIGTERM (gateway/cli/commands/lifecycle.ts): Apollo's own handler
      // would race it with a second stop() that can wait for ever (see gateway/server.ts).
      stopOnTerminationSignals: false,
    });
    await apollo.start();
    requireGatewayContext(app, '/graphql', options.contextKey, {
      subgraph: product.name,
      targets: product.rowFilters,
    });
    // OpenTelemetry (when configured): continue the gateway's trace (tracing.ts).
    traceSubgraph(app, product.name);
    // A stop answers the gateway's requests in flight, then ends their kept-alive connections.
    closeAfterResponseOnStop(app);
    const { logger } = options;
    if (logger) {
      app.addHook('onResponse', async (request, reply) => {
        logger.info(
          {
            requestId: request.headers['x-request-id'],
            subgraph: product.name,
            status: reply.statusCode,
            durationMs: reply.elapsedTime,
          },
          'subgraph request',
        );
      });
    }
    await app.register(fastifyApollo(apollo), {
      path: '/graphql',
      context: async (request) => product.createContext(db, requestRowFilters(request)),
    });
    app.get('/health', async () => ({ status: 'ok', subgraph: product.name }));
    app.get('/ready', async () => ({ status: 'ready', subgraph: product.name, storage: db.kind }));
    const port = await listen(app, options.port, options.host, `subgraph ${product.name}`);
    return {
      name: product.name,
      url: `http://${options.host === '0.0.0.0' ? '127.0.0.1' : options.host}:${port}/graphql`,
      port,
      db,
      seeded,
      async stop() {
        await app.close();
        await apollo.stop();
        await db.close();
      },
    };
  } catch (error) {
    await db.close().catch(() => undefined);
    throw error;
  }
}

import { join } from 'node:path';
import { dataProducts } from '../../subgraphs/index.js';
import { startSubgraph, type RunningSubgraph } from '../../subgraphs/kit/server.js';
import { contextTokenVerificationKey } from '../subgraph-fetch/context-token.js';
import type { MeshgateConfig } from '../config/config.js';
import type { Logger } from '../common/logger.js';
import { startGateway, type RunningGateway } from '../server.js';
import { issueToken } from '../auth/token-issuer.js';
import { EXAMPLE_QUERY } from './example-query.js';
import { startLiveWorld, type LiveWorld } from './live-world.js';
import { openQualityStore } from '../health/open-quality-store.js';
import type { QualitySchedule } from '../health/quality-schedule.js';

export interface RunningMesh {
  readonly gateway: RunningGateway;
  readonly subgraphs: readonly RunningSubgraph[];
  /** The contracts' quality rules and freshness probes on a schedule (null with MESHGATE_QUALITY=off). */
  readonly quality: QualitySchedule | null;
  stop(): Promise<void>;
  /** Synchronous: what the gateway buffers, made durable before a forced exit. */
  persistNow(): void;
}

export interface MeshOptions {
  /** Ports: the configured defaults, or 0 for free ones (tests run beside a developer's mesh). */
  ports: 'default' | 'free';
  /** Keep PGlite data in the state directory (seeded once), or in memory. */
  persistent: boolean;
  /**
   * Keep the world moving (live-world.ts): orders placed at this interval, each read back
   * through the gateway as an app would. `npm start` does; the tests' meshes stay frozen.
   */
  live?: { readonly orderIntervalMs?: number } | undefined;
  /**
   * In memory only: each product's seeded PGlite data directory to start from, by product
   * name (DatabaseOptions.template); a product without one is seeded as usual.
   */
  templates?: ReadonlyMap<string, Blob> | undefined;
}

/**
 * The whole reference mesh in one process: the five data products, each with its own
 * database, and the gateway serving the committed supergraph, routed to where they listen.
 * This is `npm start`; `meshgate subgraph NAME` and `meshgate gateway` run the same pieces
 * as separate processes.
 */
export async function startMesh(
  config: MeshgateConfig,
  logger: Logger,
  options: MeshOptions,
): Promise<RunningMesh> {
  const subgraphs: RunningSubgraph[] = [];
  try {
    // One at a time: embedded PGlite seeding is CPU-bound, and parallel seeding only interleaves it.
    for (const product of dataProducts) {
      const started = await startSubgraph(product, {
        port: options.ports === 'free' ? 0 : product.defaultPort,
        host: config.host,
        databaseUrl: config.databaseUrl,
        contextKey: contextTokenVerificationKey(config.security.contextToken, config.stateDir),
        dataDir:
          options.persistent && !config.databaseUrl
            ? join(config.stateDir, 'pglite', product.name)
            : undefined,
        template: options.persistent ? undefined : options.templates?.get(product.name),
      });
      subgraphs.push(started);
      logger.info(
        { subgraph: started.name, url: started.url, storage: started.db.kind, seed: started.seeded },
        'subgraph ready',
      );
    }
    // One quality store: the schedule writes to it and the gateway's health reads it (in memory
    // without Redis, so it must be the same object).
    const qualityStore = config.quality.enabled ? openQualityStore(config.quality) : null;
    const gateway = await startGateway(
      {
        ...config,
        port: options.ports === 'free' ? 0 : config.port,
        subgraphUrls: {
          ...config.subgraphUrls,
          ...Object.fromEntries(subgraphs.map((s) => [s.name, s.url])),
        },
      },
      logger,
      {
        quality: qualityStore?.store ?? null,
        // The supergraph file's products are this mesh's: its own contracts describe them.
        descriptors: dataProducts.map((p) => p.descriptor),
        // Their quality rules run in their own databases, on the gateway's schedule.
        qualityTargets: subgraphs.map((s) => ({
          descriptor: dataProducts.find((p) => p.name === s.name)!.descriptor,
          db: s.db,
        })),
      },
    );
    const quality = gateway.quality;
    const live = options.live
      ? startMeshLiveWorld(config, gateway.url, subgraphs, logger, options.live)
      : null;
    return {
      gateway,
      subgraphs,
      quality,
      async stop() {
        // The writer and the schedule use the products' databases: they end before they close.
        await live?.stop();
        await gateway.stop();
        await qualityStore?.close();
        await Promise.all(subgraphs.map((s) => s.stop()));
      },
      persistNow: () => gateway.persistNow(),
    };
  } catch (error) {
    await Promise.all(subgraphs.map((s) => s.stop().catch(() => undefined)));
    throw error;
  }
}

/** The live world over this mesh's databases; each order placed is read through the gateway by a demo app. */
function startMeshLiveWorld(
  config: MeshgateConfig,
  url: string,
  subgraphs: readonly RunningSubgraph[],
  logger: Logger,
  options: NonNullable<MeshOptions['live']>,
): LiveWorld {
  const db = (name: string) => subgraphs.find((s) => s.name === name)!.db;
  const token = issueToken(config.security.auth, config.stateDir, { sub: 'demo-app', roles: ['analyst'] });
  return startLiveWorld({
    databases: {
      customers: db('customers'),
      orders: db('orders'),
      payments: db('payments'),
      shipping: db('shipping'),
    },
    logger,
    orderIntervalMs: options.orderIntervalMs,
    onPlaced: (orderId) =>
      fetch(url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          authorization: `Bearer ${token}`,
          'apollographql-client-name': 'meshgate-demo-app',
        },
        body: JSON.stringify({ query: EXAMPLE_QUERY.replace('order(id: "42")', `order(id: "${orderId}")`) }),
      }).then((response) => response.arrayBuffer()),
  });
}

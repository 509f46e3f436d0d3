import { join } from 'node:path';
import { dataProducts } from '../../subgraphs/index.js';
import { startSubgraph, type RunningSubgraph } from '../../subgraphs/kit/server.js';
import { contextTokenKey } from '../subgraph-fetch/context-token.js';
import type { MeshgateConfig } from '../config/config.js';
import type { Logger } from '../common/logger.js';
import { startGateway, type RunningGateway } from '../server.js';
import { openQualityStore } from '../health/open-quality-store.js';
import { startQualitySchedule, type QualitySchedule } from '../health/quality-schedule.js';

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
        contextKey: contextTokenKey(config.security.contextToken, config.stateDir),
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
      { quality: qualityStore?.store ?? null },
    );
    const quality =
      qualityStore &&
      startQualitySchedule({
        targets: subgraphs.map((s) => ({
          descriptor: dataProducts.find((p) => p.name === s.name)!.descriptor,
          db: s.db,
        })),
        store: qualityStore.store,
        config: config.quality,
        logger,
      });
    return {
      gateway,
      subgraphs,
      quality,
      async stop() {
        // The schedule reads the products' databases: it ends before they close.
        await quality?.stop();
        await qualityStore?.close();
        await gateway.stop();
        await Promise.all(subgraphs.map((s) => s.stop()));
      },
      persistNow: () => gateway.persistNow(),
    };
  } catch (error) {
    await Promise.all(subgraphs.map((s) => s.stop().catch(() => undefined)));
    throw error;
  }
}

import { productSla, type DataProductDescriptor } from '../protocol/index.js';
import type { Logger } from '../common/logger.js';
import { memoByObject } from '../common/memo-by-object.js';
import { FAIL_FAST, ONE_SHOT, openRedis } from '../redis/redis-connection.js';
import type { RedisClient } from '../redis/redis-client.js';
import { LATENCY_BOUNDS_MS } from './latency-histogram.js';
import { memorySliStore } from './memory-sli-store.js';
import { redisSliStore } from './redis-sli-store.js';
import type { SliConfig } from './sli-config.js';
import { sliRecorder, type SliRecorder } from './sli-recorder.js';
import { createSloStatus, type SloProduct, type SloStatus } from './slo-status.js';
import type { QualityStore } from './types.js';
import type { ProbeReading } from './slo-types.js';

export interface SloOptions {
  readonly logger: Logger;
  /** The products in service with their descriptors (read at each status: a publish shows at once). */
  readonly products: () => readonly { name: string; descriptor: DataProductDescriptor | null }[];
  readonly quality?: QualityStore | null | undefined;
  /** The scheduled probe's reading of a product (product-probe.ts); absent with MESHGATE_PROBE=off. */
  readonly probes?: ((product: string) => ProbeReading | null) | undefined;
}

export interface Slo {
  readonly recorder: SliRecorder;
  readonly status: SloStatus;
  /** What `createObservability({ sli })` takes: the recorder and its latency bounds. */
  readonly observed: { record: SliRecorder['record']; boundsMs: readonly number[] };
  /** A last flush, then the Redis connection closes. */
  close(): Promise<void>;
}

const slaOf = memoByObject((descriptor: DataProductDescriptor) => productSla(descriptor));

/**
 * SLIs and SLOs for one gateway: a recorder fed by the observability plugin, its store (Redis
 * when configured, with the request path's fail-fast profile: a flush never waits for a lost
 * Redis, its deltas wait in memory), and the status every reader shares.
 */
export function createSlo(config: SliConfig, options: SloOptions): Slo {
  const redis: RedisClient | null = config.redis ? openRedis(config.redis, FAIL_FAST) : null;
  // ioredis reports a lost connection as error events; the recorder says it once per outage.
  redis?.on('error', () => undefined);
  const store = redis ? redisSliStore(redis, config.prefix) : memorySliStore();
  const recorder = sliRecorder({
    store,
    flushIntervalMs: config.flushIntervalMs,
    onStoreDown: (error) =>
      options.logger.warn(
        { err: (error as Error).message },
        'SLI flush to Redis failed: SLIs wait in memory and are merged when it returns',
      ),
    onStoreUp: () =>
      options.logger.info('SLI flush to Redis recovered: the deltas kept in memory are stored'),
  });
  const products = (): SloProduct[] =>
    options.products().map(({ name, descriptor }) => ({ name, sla: descriptor ? slaOf(descriptor) : null }));
  const status = createSloStatus({
    sli: recorder,
    products,
    quality: options.quality,
    probes: options.probes,
  });
  return {
    recorder,
    status,
    observed: { record: recorder.record, boundsMs: LATENCY_BOUNDS_MS },
    async close() {
      await recorder.close();
      redis?.disconnect();
    },
  };
}

/**
 * SLOs read straight from Redis, for a command that runs beside the gateways (`meshgate slo`,
 * `meshgate catalog`): every replica's flushed numbers, no recorder of its own.
 */
export function readSloFromRedis(
  config: SliConfig,
  products: SloOptions['products'],
  quality: QualityStore | null = null,
): { status: SloStatus; close(): Promise<void> } {
  if (!config.redis) throw new Error('readSloFromRedis needs REDIS_URL or REDIS_CLUSTER_NODES');
  const redis = openRedis(config.redis, ONE_SHOT);
  redis.on('error', () => undefined);
  const store = redisSliStore(redis, config.prefix);
  const status = createSloStatus({
    sli: {
      storeKind: 'redis',
      read: async (product, tier, from, to, series) => ({
        buckets: await store.read(product, tier, from, to, series),
        source: 'shared',
      }),
    },
    products: () =>
      products().map(({ name, descriptor }) => ({ name, sla: descriptor ? slaOf(descriptor) : null })),
    quality,
  });
  return {
    status,
    async close() {
      redis.disconnect();
    },
  };
}

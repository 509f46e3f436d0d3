import type { Logger } from '../../common/logger.js';
import { failFastRedis } from '../../redis/fail-fast-redis.js';
import { openRedis } from '../../redis/redis-connection.js';
import type { DataProductDescriptor } from '../../protocol/index.js';
import { createEntityCache } from './entity-cache.js';
import { productFreshness } from './freshness.js';
import type { CacheConfig, EntityCache } from './types.js';

/**
 * The gateway's entity cache from its configuration; null when MESHGATE_CACHE=off. With
 * Redis configured, invalidations reach every replica over pub/sub even when L2 is off
 * (each replica's L1 holds copies). The request path's Redis commands fail fast (a miss);
 * the subscriber reconnects and resubscribes on its own. While it is away an invalidation
 * can be missed: entries then live to their TTL, which the freshness bound caps.
 */
export function openEntityCache(
  config: CacheConfig,
  descriptors: () => readonly DataProductDescriptor[],
  logger: Logger,
): EntityCache | null {
  if (!config.enabled) return null;
  const redis = config.redis;
  const commands = redis ? failFastRedis(redis, 'entity cache', logger) : undefined;
  const subscriber = redis
    ? openRedis(redis, { offlineQueue: false, commandTimeoutMs: 5_000, maxRetriesPerRequest: 0 })
    : undefined;
  const cache = createEntityCache({
    config,
    freshness: productFreshness(descriptors, config.ttlMaxSeconds),
    l2: config.l2 ? commands : undefined,
    pubsub: commands && subscriber ? { publisher: commands, subscriber } : undefined,
    logger,
  });
  return {
    ...cache,
    async close() {
      await cache.close();
      commands?.disconnect();
    },
  };
}

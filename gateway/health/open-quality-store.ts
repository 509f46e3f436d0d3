import { OFF_REQUEST_PATH, openRedis, type RedisBehaviour } from '../redis/redis-connection.js';
import { closeRedis } from '../redis/close-redis.js';
import type { QualityConfig } from './quality-config.js';
import { memoryQualityStore, redisQualityStore } from './quality-store.js';
import type { QualityStore } from './types.js';

/** The deployment's quality store: in Redis when there is one (shared by replicas and the CLI), else in memory. */
export function openQualityStore(
  config: QualityConfig,
  behaviour: RedisBehaviour = OFF_REQUEST_PATH,
): { store: QualityStore; close(): Promise<void> } {
  if (!config.redis) return { store: memoryQualityStore(config), close: async () => undefined };
  // A run must not hang on a Redis that is away: it fails at once, is logged, and the next run retries.
  const redis = openRedis(config.redis, behaviour);
  redis.on('error', () => undefined);
  return {
    store: redisQualityStore(redis, config),
    close: async () => {
      await closeRedis(redis);
    },
  };
}

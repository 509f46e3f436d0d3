import { z } from 'zod';
import { ErrorCode, StartupError } from '../../common/errors.js';
import type { RedisConnection } from '../../redis/redis-config.js';
import type { CacheConfig } from './types.js';

/**
 * The entity cache's environment variables, as zod fields `gateway/config/config.ts` adds to
 * its schema. Nothing here reads `process.env`.
 */
export const cacheEnv = {
  /**
   * `on`: cache `_entities` and root-field answers of subgraph fetches. On by default since the
   * benchmark measured it paying on the varied workloads (bench/README.md); `off` for a product
   * that must be read live whatever its contract says.
   */
  MESHGATE_CACHE: z.enum(['on', 'off']).default('on'),
  MESHGATE_CACHE_MAX_BYTES: z.coerce
    .number({ error: 'must be a number of bytes' })
    .int('must be an integer')
    .min(1_024, 'must be at least 1024')
    .default(64 * 1024 * 1024),
  /** `on`: also keep entries in Redis, shared by replicas. */
  MESHGATE_CACHE_L2: z.enum(['on', 'off']).default('off'),
  /** An upper bound on every entry's age, in seconds, below the products' freshness promises. */
  MESHGATE_CACHE_TTL_MAX: z.coerce
    .number({ error: 'must be a number of seconds' })
    .int('must be an integer')
    .min(1, 'must be at least 1')
    .optional(),
  MESHGATE_CACHE_PREFIX: z.string().min(1).default('meshgate:cache:'),
};

type CacheEnv = z.infer<z.ZodObject<typeof cacheEnv>>;

export function cacheConfig(e: CacheEnv, redis: RedisConnection | undefined): CacheConfig {
  if (e.MESHGATE_CACHE_L2 === 'on' && !redis) {
    throw new StartupError(
      ErrorCode.CONFIG_INVALID,
      'invalid configuration: MESHGATE_CACHE_L2=on needs Redis (REDIS_URL or REDIS_CLUSTER_NODES)',
    );
  }
  return Object.freeze({
    enabled: e.MESHGATE_CACHE === 'on',
    maxBytes: e.MESHGATE_CACHE_MAX_BYTES,
    l2: e.MESHGATE_CACHE_L2 === 'on',
    ttlMaxSeconds: e.MESHGATE_CACHE_TTL_MAX,
    prefix: e.MESHGATE_CACHE_PREFIX,
    redis,
  });
}

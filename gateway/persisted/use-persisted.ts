import { ErrorCode, MeshgateGraphQLError, httpExtension, messageOf } from '../common/errors.js';
import type { Logger } from '../common/logger.js';
import type { Stage } from '../pipeline/types.js';
import { failFastRedis, firstConnection } from '../redis/fail-fast-redis.js';
import type { RedisClient } from '../redis/redis-client.js';
import { PersistedQueryCache } from './persisted-cache.js';
import { readSafelist } from './safelist.js';
import type { PersistedConfig } from './types.js';

export interface UsePersistedOptions {
  config: PersistedConfig;
  logger?: Logger | undefined;
}

/**
 * The persisted-operations stage: automatic persisted queries (APQ) with the cache in Redis,
 * and a safelist mode that refuses (400 OPERATION_NOT_IN_SAFELIST) any operation whose sha256
 * is not in the published manifest, sent as a hash or as a full body alike. The check runs once
 * the operation is resolved, as Apollo's operation-registry plugin did, so a refused operation
 * is still logged, counted and recorded in lineage. The manifest is read at start; the first
 * Redis connection is briefly waited for, so requests right after start use it.
 */
export async function usePersisted({ config, logger }: UsePersistedOptions): Promise<Stage> {
  const safelist = config.safelist && config.safelistPath ? readSafelist(config.safelistPath) : null;
  const redis: RedisClient | null =
    config.apq && config.redis ? failFastRedis(config.redis, 'persisted queries', logger) : null;
  if (redis) await firstConnection(redis);
  if (safelist)
    logger?.info(
      { manifest: safelist.path, operations: safelist.operations.size },
      'safelist mode: only published operations run',
    );
  return {
    name: 'persisted',
    apollo: {
      persistedQueries:
        config.apq || safelist
          ? {
              cache: new PersistedQueryCache({
                redis,
                prefix: config.apqPrefix,
                safelist,
                registers: config.apq && !safelist,
              }),
              ttl: config.apqTtlSeconds,
            }
          : false,
    },
    ...(safelist && {
      onOperation(_state, operation) {
        if (safelist.has(operation.hash)) return;
        const code = ErrorCode.OPERATION_NOT_IN_SAFELIST;
        throw new MeshgateGraphQLError(code, messageOf(code), { http: httpExtension(code) });
      },
    }),
    ...(redis && { close: () => void redis.disconnect() }),
  };
}

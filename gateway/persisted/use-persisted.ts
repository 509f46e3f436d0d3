import type { ApolloServerOptions, ApolloServerPlugin } from '@apollo/server';
import type { GatewayContext } from '../http/context.js';
import { ErrorCode, MeshgateGraphQLError, httpExtension, messageOf } from '../common/errors.js';
import { failFastRedis, redisLifecycle } from '../redis/fail-fast-redis.js';
import type { Logger } from '../common/logger.js';
import { PersistedQueryCache } from './persisted-cache.js';
import { readSafelist } from './safelist.js';
import type { PersistedConfig } from './types.js';
import type { RedisClient } from '../redis/redis-client.js';

export interface UsePersistedOptions {
  config: PersistedConfig;
  logger?: Logger | undefined;
}

export interface PersistedOperations {
  /** Apollo Server's `persistedQueries` option. */
  readonly persistedQueries: NonNullable<ApolloServerOptions<GatewayContext>['persistedQueries']>;
  /** Refuses operations outside the safelist (SAFELIST=on); closes the Redis client on stop. */
  readonly plugin: ApolloServerPlugin<GatewayContext>;
}

/**
 * Persisted operations: automatic persisted queries (APQ) with the cache in Redis, and a
 * safelist mode that refuses (400 OPERATION_NOT_IN_SAFELIST) any operation whose sha256 is
 * not in the published manifest — sent as a hash or as a full body alike. The check runs in
 * `didResolveOperation`, as Apollo's operation-registry plugin did, so a refused operation is
 * still logged, counted and recorded in lineage. The manifest is read at start.
 */
export function usePersisted({ config, logger }: UsePersistedOptions): PersistedOperations {
  const safelist = config.safelist && config.safelistPath ? readSafelist(config.safelistPath) : null;
  const redis: RedisClient | null =
    config.apq && config.redis ? failFastRedis(config.redis, 'persisted queries', logger) : null;
  if (safelist)
    logger?.info(
      { manifest: safelist.path, operations: safelist.operations.size },
      'safelist mode: only published operations run',
    );
  return {
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
    plugin: {
      ...redisLifecycle(redis),
      async requestDidStart() {
        if (!safelist) return;
        return {
          async didResolveOperation({ queryHash }) {
            if (!safelist.has(queryHash)) {
              const code = ErrorCode.OPERATION_NOT_IN_SAFELIST;
              throw new MeshgateGraphQLError(code, messageOf(code), { http: httpExtension(code) });
            }
          },
        };
      },
    },
  };
}

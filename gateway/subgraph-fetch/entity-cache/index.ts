/** The entity cache: subgraph answers by entity, bounded by the products' freshness. */
export type * from './types.js';
export { cacheConfig, cacheEnv } from './cache-config.js';
export { cachedFetch, type CacheableFetch, type CachedAnswer } from './cached-fetch.js';
export { claimsFingerprint, contextFingerprinter } from './cache-key.js';
export { createEntityCache, type EntityCacheOptions } from './entity-cache.js';
export { productFreshness } from './freshness.js';
export { describeInvalidation, InvalidationRequestSchema } from './invalidation.js';
export {
  cacheInvalidateAdmin,
  cacheStatsAdmin,
  registerCacheRoutes,
  type CacheRouteOptions,
} from './cache-admin.js';
export { cacheMetrics } from './cache-metrics.js';
export { openEntityCache } from './open-entity-cache.js';
export { publishInvalidation } from './publish-invalidation.js';
export { useEntityCache } from './use-entity-cache.js';

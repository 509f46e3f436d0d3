import type { Registry } from 'prom-client';
import type { Authenticate } from '../../auth/types.js';
import type { Stage } from '../../pipeline/types.js';
import { registerCacheRoutes } from './cache-admin.js';
import { cacheMetrics } from './cache-metrics.js';
import type { EntityCache } from './types.js';

/**
 * The entity cache's stage (the cache answers inside the subgraph data source): its metrics and
 * admin routes, and, when a new supergraph loads (a product published a version), no entry of
 * the old one is read again. Null cache (MESHGATE_CACHE=off): a stage that does nothing.
 */
export function useEntityCache(
  cache: EntityCache | null,
  authenticate: Authenticate,
  registry: Registry,
): Stage {
  if (!cache) return { name: 'entity-cache' };
  return {
    name: 'entity-cache',
    routes(app) {
      cacheMetrics(registry, cache);
      registerCacheRoutes(app, { authenticate, cache });
    },
    onSchemaChange: (model) => cache.schemaChanged(model.sdl),
  };
}

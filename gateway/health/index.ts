/** Data product health: SLIs from live traffic, SLOs, error budgets, burn rates, one health signal. */
export type * from './slo-types.js';
export type * from './types.js';
export { createSlo, readSloFromRedis, type Slo, type SloOptions } from './create-slo.js';
export {
  createSloStatus,
  SERIES_TIERS,
  type SeriesWindow,
  type SloProduct,
  type SloStatus,
} from './slo-status.js';
export { sliRecorder, type SliRecorder, type SliReading } from './sli-recorder.js';
export { memorySliStore } from './memory-sli-store.js';
export { redisSliStore } from './redis-sli-store.js';
export { registerSloRoutes, sloAdmin, type SloRouteOptions } from './slo-admin.js';
export { sloGauges } from './slo-gauges.js';
export { sliConfig, sliEnv, type SliConfig } from './sli-config.js';
export { LATENCY_BOUNDS_MS } from './latency-histogram.js';
export { SLO_WINDOWS, TIERS, WINDOWS } from './sli-tiers.js';
export { BURN_ALERTS, MIN_ALERT_FETCHES } from './slo-windows.js';
export { LATENCY_SLO } from './health-rules.js';
export { sloProducts } from './slo-products.js';
export { qualityFacets, type ProductQuality } from './openlineage-facets.js';
export { useSlo, type UseSloOptions } from './use-slo.js';

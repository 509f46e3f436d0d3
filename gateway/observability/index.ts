/** Observability: Prometheus metrics (one registry per gateway) and the JSON request log. */
export type * from './types.js';
export { createObservability, type ObservabilityOptions } from './create-observability.js';
export { createMetrics, dataProductMetrics, operationLabels, type GatewayMetrics } from './metrics.js';
export { lineageGauges, type LineageGaugeOptions } from './lineage-gauges.js';

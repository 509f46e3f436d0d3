/**
 * Tracing: OpenTelemetry spans for the request path, exported as OTLP/HTTP JSON, configured by
 * the standard OTEL_* variables and off unless they ask for it (tracing-config.ts).
 */
export type * from './types.js';
export { tracingConfig, tracingEnv } from './tracing-config.js';
export { acquireTracing, type AcquireOptions } from './process-tracing.js';
export { tracingActive } from '../../common/tracing-active.js';
export { inSpan, GATEWAY_TRACER } from './in-span.js';
export { traceRequests, type TraceRequestsOptions } from '../../protocol/index.js';
export { useTracing } from './use-tracing.js';
export { traceSubgraphFetch } from './propagate.js';
export { activeTraceId } from './trace-ids.js';
export { decisionCounts, lineageAttributes, principalAttributes } from './attributes.js';

import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** Latency buckets in seconds: 1 ms to 10 s. */
const BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/**
 * The gateway's Prometheus metrics, in a registry of their own (tests run several gateways
 * in one process; the default registry would make them collide). Process metrics (RSS, heap,
 * event-loop lag) carry the `meshgate_` prefix too.
 */
export function createMetrics() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'meshgate_' });
  return {
    registry,
    requests: new Counter({
      name: 'meshgate_requests_total',
      help: 'GraphQL operations by operation name and outcome (ok, partial, error, rejected)',
      labelNames: ['operation', 'outcome'] as const,
      registers: [registry],
    }),
    duration: new Histogram({
      name: 'meshgate_request_duration_seconds',
      help: 'GraphQL operation latency, from arrival to response',
      labelNames: ['operation', 'outcome'] as const,
      buckets: BUCKETS,
      registers: [registry],
    }),
    errors: new Counter({
      name: 'meshgate_errors_total',
      help: 'Errors in responses by extensions.code (HTTP-level refusals included)',
      labelNames: ['code'] as const,
      registers: [registry],
    }),
    fetchDuration: new Histogram({
      name: 'meshgate_subgraph_fetch_duration_seconds',
      help: 'Subgraph fetch latency by subgraph',
      labelNames: ['subgraph'] as const,
      buckets: BUCKETS,
      registers: [registry],
    }),
    fetchErrors: new Counter({
      name: 'meshgate_subgraph_fetch_errors_total',
      help: 'Subgraph fetches that failed or returned errors, by subgraph',
      labelNames: ['subgraph'] as const,
      registers: [registry],
    }),
    decisions: new Counter({
      name: 'meshgate_policy_decisions_total',
      help: 'Policy decisions by effect (allow, mask, deny) and rule',
      labelNames: ['effect', 'rule'] as const,
      registers: [registry],
    }),
  };
}

export type GatewayMetrics = ReturnType<typeof createMetrics>;

/**
 * Per data product, the counts Prometheus computes SLIs and burn rates from itself (the
 * rules of `meshgate alerts rules` read exactly these names): fetches by outcome, and their
 * latency with the SLI recorder's bounds, so `le="0.3"` is a 300 ms latency target exactly.
 * Registered only with SLIs on (MESHGATE_SLI).
 */
export function dataProductMetrics(registry: Registry, boundsMs: readonly number[]) {
  return {
    // The origin view: what reached the product. A probe's sample carries `source="probe"`; a
    // query's none, so that `sum by (product)` over outcome reads both, as the gateway's SLOs do.
    fetches: new Counter({
      name: 'meshgate_data_product_fetches_total',
      help: 'Origin view: subgraph fetches that reached each data product (cache hits excluded) and its health probes (source="probe"), by outcome (ok, error): the availability SLI',
      labelNames: ['product', 'outcome', 'source'] as const,
      registers: [registry],
    }),
    fetchDuration: new Histogram({
      name: 'meshgate_data_product_fetch_duration_seconds',
      help: 'Origin view: latency of the subgraph fetches that reached each data product: the latency SLI',
      labelNames: ['product'] as const,
      buckets: boundsMs.map((ms) => ms / 1_000),
      registers: [registry],
    }),
    served: new Counter({
      name: 'meshgate_data_product_served_fetches_total',
      help: 'Served view: subgraph fetches of each data product as consumers got them, by outcome and source (origin, cache)',
      labelNames: ['product', 'outcome', 'source'] as const,
      registers: [registry],
    }),
  };
}

const NAME = /^[_A-Za-z][_0-9A-Za-z]{0,63}$/;

/**
 * Operation names are client-chosen: a label per name would let a client grow the registry
 * without bound. The first `max` distinct valid names are kept; the rest count as `__other`.
 */
export function operationLabels(max = 200): (name: string | null) => string {
  const seen = new Set<string>();
  return (name) => {
    if (name === null) return '__anonymous';
    if (!NAME.test(name)) return '__other';
    if (seen.has(name)) return name;
    if (seen.size >= max) return '__other';
    seen.add(name);
    return name;
  };
}

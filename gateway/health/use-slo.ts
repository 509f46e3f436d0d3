import type { Registry } from 'prom-client';
import type { Authenticate } from '../auth/types.js';
import type { Stage } from '../pipeline/types.js';
import type { Slo } from './create-slo.js';
import { registerSloRoutes } from './slo-admin.js';
import { sloGauges } from './slo-gauges.js';

export interface UseSloOptions {
  /** The SLIs and SLOs (create-slo.ts); null with MESHGATE_SLI=off: the route answers 503. */
  readonly slo: Slo | null;
  readonly authenticate: Authenticate;
  /** The gateway's metrics registry, for the data product gauges (computed on scrape). */
  readonly registry: Registry;
}

/**
 * The health stage: each request's subgraph fetches counted into the SLIs of the products they
 * reached (flushed off the path), data product gauges on /metrics, and `GET /admin/slo`.
 */
export function useSlo({ slo, authenticate, registry }: UseSloOptions): Stage {
  return {
    name: 'slo',
    routes(app) {
      if (slo) sloGauges(registry, slo.status, slo.recorder);
      registerSloRoutes(app, { authenticate, slo: slo?.status ?? null });
    },
    ...(slo && {
      onResponse(state) {
        slo.recorder.record(state.fetches);
      },
    }),
  };
}

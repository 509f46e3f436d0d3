import type { DataProductDescriptor } from './descriptor.js';

/**
 * What a data product promises, as numbers the platform measures against: the contract's
 * `slaProperties`. Every consumer of SLA targets (SLIs, burn rates, alerts, the entity
 * cache's freshness bound) reads them through `productSla`, never from the file itself.
 */
export interface ProductSla {
  /** Fetches that succeed, in percent (e.g. 99.9). */
  readonly availabilityPercent: number;
  /** The 95th percentile of a subgraph fetch, in milliseconds. */
  readonly latencyP95Ms: number;
  /** Fetches that fail, in percent (e.g. 0.5). */
  readonly errorRatePercent: number;
  /** How old the newest row may be: the declared timestamp element and the bound. */
  readonly freshness: { readonly element: string | null; readonly maxLagSeconds: number };
  /** Types (or `Type.field` coordinates) whose values must be fresher than the product's bound, in seconds. */
  readonly maxAgeSeconds: Readonly<Record<string, number>>;
}

const UNIT_SECONDS: Record<string, number> = { m: 60, h: 3_600, d: 86_400 };

/**
 * The SLA targets of one product: the contract's, as `descriptor.ts` derived them. A
 * descriptor published to a registry before contracts (no `sla`) still gets targets, from its
 * `slo` summary and the defaults of that time.
 */
export function productSla(descriptor: DataProductDescriptor): ProductSla {
  const { sla } = descriptor as Partial<DataProductDescriptor>;
  if (sla) return sla;
  const [, amount, unit] = /^(\d+)(m|h|d)$/.exec(descriptor.slo.freshness) ?? [];
  return Object.freeze({
    availabilityPercent: descriptor.slo.availability,
    latencyP95Ms: 300,
    errorRatePercent: Math.max(0.01, Number((100 - descriptor.slo.availability).toFixed(4))),
    freshness: Object.freeze({
      element: null,
      maxLagSeconds: Number(amount ?? 5) * (UNIT_SECONDS[unit ?? 'm'] ?? 60),
    }),
    maxAgeSeconds: Object.freeze({}),
  });
}

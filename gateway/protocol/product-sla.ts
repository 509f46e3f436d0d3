import type { DataProductDescriptor, ProductSla } from './types.js';

const UNIT_SECONDS: Record<string, number> = { m: 60, h: 3_600, d: 86_400 };

/**
 * The SLA targets of one product: the contract's, as descriptor-from-contract.ts derived them. A
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

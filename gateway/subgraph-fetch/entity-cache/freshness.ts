import { productSla, type DataProductDescriptor, type ProductSla } from '../../protocol/index.js';

/** What the cache needs to know of one product: how long its answers stay true, and which version answers. */
export interface ProductFreshness {
  /** 0: never cached (no descriptor, or a product promising no lag). */
  readonly ttlMs: number;
  readonly version: string;
}

/**
 * The TTL of a subgraph's entries, bounded by what its product promises (the contract's
 * `slaProperties`, read through `productSla`): the product's freshness lag, and every shorter
 * `maxAgeSeconds` it declares for a type or field. The strictest of them applies to every
 * entry of the product, because a fetch's answer may hold objects of any of its types
 * (an entity's nested lists), and which ones is not visible from the fetch without the
 * schema: it is never older than any promise. `ttlMaxSeconds` bounds it further.
 *
 * `descriptors()` is the list that came with the supergraph in service (the registry's, or
 * the launcher's: supergraph/use-supergraph.ts); a new list (a publish) is read again, so a
 * product's new contract applies from its next fetch.
 */
export function productFreshness(
  descriptors: () => readonly DataProductDescriptor[],
  ttlMaxSeconds: number | undefined,
): (subgraph: string) => ProductFreshness {
  let seen: readonly DataProductDescriptor[] | undefined;
  let bySubgraph = new Map<string, ProductFreshness>();
  return (subgraph) => {
    const current = descriptors();
    if (current !== seen) {
      seen = current;
      bySubgraph = new Map();
    }
    let freshness = bySubgraph.get(subgraph);
    if (!freshness) {
      const descriptor = current.find((d) => d.name === subgraph);
      freshness = descriptor ? freshnessOf(descriptor, ttlMaxSeconds) : NOT_CACHED;
      bySubgraph.set(subgraph, freshness);
    }
    return freshness;
  };
}

const NOT_CACHED: ProductFreshness = Object.freeze({ ttlMs: 0, version: 'none' });

export function freshnessOf(
  descriptor: DataProductDescriptor,
  ttlMaxSeconds: number | undefined,
): ProductFreshness {
  return Object.freeze({
    ttlMs: ttlSecondsOf(productSla(descriptor), ttlMaxSeconds) * 1_000,
    version: descriptor.version,
  });
}

/** The strictest of the product's lag, any type's or field's shorter bound, and the operator's cap. */
export function ttlSecondsOf(sla: ProductSla, ttlMaxSeconds: number | undefined): number {
  const seconds = Math.min(
    sla.freshness.maxLagSeconds,
    ...Object.values(sla.maxAgeSeconds),
    ttlMaxSeconds ?? Number.POSITIVE_INFINITY,
  );
  return Math.max(0, seconds);
}

import { describe, expect, it } from 'vitest';
import { productSla, type DataProductDescriptor, type ProductSla } from '../../protocol/index.js';
import { dataProducts } from '../../../subgraphs/index.js';
import { freshnessOf, productFreshness, ttlSecondsOf } from './freshness.js';

/** A real product's descriptor, as the registry would publish it, with another version. */
const orders = dataProducts.find((p) => p.name === 'orders')!.descriptor;
const published = (version: string): DataProductDescriptor => ({ ...orders, version });
const ordersTtlSeconds = ttlSecondsOf(productSla(orders), undefined);

describe("the entity cache's TTL", () => {
  it("is the product's declared freshness, bounded by MESHGATE_CACHE_TTL_MAX", () => {
    const sla = productSla(orders);
    // Never longer than the product's lag or any type's shorter bound; equal to the strictest.
    const bounds = [sla.freshness.maxLagSeconds, ...Object.values(sla.maxAgeSeconds)];
    expect(bounds.every((b) => ordersTtlSeconds <= b) && bounds.includes(ordersTtlSeconds)).toBe(true);
    expect(freshnessOf(orders, undefined)).toEqual({
      ttlMs: ordersTtlSeconds * 1_000,
      version: orders.version,
    });
    expect(freshnessOf(orders, 2)).toEqual({ ttlMs: 2_000, version: orders.version });
  });

  it('is bounded by a type or field that promises fresher data than its product', () => {
    const sla: ProductSla = {
      availabilityPercent: 99.9,
      latencyP95Ms: 300,
      errorRatePercent: 0.1,
      freshness: { element: 'updatedAt', maxLagSeconds: 900 },
      maxAgeSeconds: { Order: 120, 'Order.status': 30 },
    };
    expect(ttlSecondsOf(sla, undefined)).toBe(30);
    expect(ttlSecondsOf(sla, 10)).toBe(10);
    expect(ttlSecondsOf({ ...sla, maxAgeSeconds: {} }, undefined)).toBe(900);
  });

  it('reads a new descriptor list (a publish) and never caches a product it has no contract for', () => {
    let list: readonly DataProductDescriptor[] = [published('1.0.0')];
    const freshness = productFreshness(() => list, 60);
    expect(freshness('orders')).toEqual({ ttlMs: Math.min(60, ordersTtlSeconds) * 1_000, version: '1.0.0' });
    expect(freshness('inventory')).toEqual({ ttlMs: 0, version: 'none' });
    list = [published('1.1.0')];
    expect(freshness('orders').version).toBe('1.1.0');
    // A supergraph file described by its launcher: the launcher's descriptors, nothing else.
    list = dataProducts.map((p) => p.descriptor);
    expect(freshness('customers').ttlMs).toBe(60_000);
    list = [];
    expect(freshness('customers')).toEqual({ ttlMs: 0, version: 'none' });
  });
});

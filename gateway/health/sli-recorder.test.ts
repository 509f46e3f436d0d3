import { describe, expect, it } from 'vitest';
import type { ProductSla } from '../protocol/index.js';
import type { SubgraphFetch } from '../common/types.js';
import { memorySliStore } from './memory-sli-store.js';
import { sliRecorder } from './sli-recorder.js';
import { createSloStatus } from './slo-status.js';

const SLA: ProductSla = {
  availabilityPercent: 99.9,
  latencyP95Ms: 300,
  errorRatePercent: 0.1,
  freshness: { element: null, maxLagSeconds: 900 },
  maxAgeSeconds: {},
};
const T0 = Date.UTC(2026, 11, 3, 10, 0, 0);

function fetches(subgraph: string, count: number, ok = true, durationMs = 12): SubgraphFetch[] {
  return Array.from({ length: count }, () => ({ subgraph, durationMs, entityCount: 0, ok }));
}

function setup() {
  let time = T0;
  const now = () => time;
  const recorder = sliRecorder({ store: memorySliStore(now), flushIntervalMs: 60_000, now });
  const slo = createSloStatus({
    sli: recorder,
    products: () => [
      { name: 'orders', sla: SLA },
      { name: 'catalog', sla: SLA },
    ],
    now,
    cacheMs: 0,
  });
  return { recorder, slo, advance: (ms: number) => (time += ms) };
}

describe('the SLI recorder with the memory store', () => {
  it('counts per product in time buckets, and every window sees its part', async () => {
    const { recorder, slo, advance } = setup();
    recorder.record([...fetches('orders', 90), ...fetches('catalog', 10)]);
    advance(20 * 60_000); // 20 minutes later: outside 5m, inside 30m
    recorder.record([...fetches('orders', 8), ...fetches('orders', 2, false, 450)]);
    const [orders, catalog] = await slo.sloStatus();
    const w = orders!.measured.windows;
    expect([w['5m'].fetches, w['5m'].errors, w['30m'].fetches, w['1h'].fetches, w['30d'].fetches]).toEqual([
      10, 2, 100, 100, 100,
    ]);
    expect(w['5m'].availability).toBe(0.8);
    expect(w['1h'].availability).toBe(0.98);
    expect(w['1h'].burnRate).toBeCloseTo(20, 6);
    expect(catalog!.measured.windows['1h']).toMatchObject({ fetches: 10, errors: 0, availability: 1 });
    expect(recorder.stats).toEqual({ recorded: 110, stored: 110, degraded: false });
    await recorder.close();
  });

  it('answers one product, none for an unknown name, and a series of buckets for charts', async () => {
    const { recorder, slo, advance } = setup();
    recorder.record(fetches('orders', 3));
    advance(10_000);
    recorder.record(fetches('orders', 1, false));
    expect((await slo.sloStatus('orders')).map((h) => h.product)).toEqual(['orders']);
    expect(await slo.sloStatus('nope')).toEqual([]);
    const series = await slo.sliSeries('orders', '5m');
    expect(series).toHaveLength(30);
    expect(series.slice(-2)).toEqual([
      {
        at: '2026-12-03T10:00:00.000Z',
        fetches: 3,
        errors: 0,
        availability: 1,
        latencyP50Ms: 15,
        latencyP95Ms: 19.5,
        latencyP99Ms: 19.9,
      },
      {
        at: '2026-12-03T10:00:10.000Z',
        fetches: 1,
        errors: 1,
        availability: 0,
        latencyP50Ms: 15,
        latencyP95Ms: 19.5,
        latencyP99Ms: 19.9,
      },
    ]);
    expect(series[0]).toMatchObject({ fetches: 0, availability: null });
    expect(await slo.sliSeries('orders', '30d')).toHaveLength(720);
    await recorder.close();
  });

  it('keeps 30 days in hour buckets and drops what falls out of the window', async () => {
    const { recorder, slo, advance } = setup();
    recorder.record(fetches('orders', 5, false));
    await recorder.flush();
    advance(29 * 86_400_000);
    expect((await slo.sloStatus('orders'))[0]!.measured.windows['30d'].errors).toBe(5);
    advance(2 * 86_400_000);
    recorder.record(fetches('orders', 1));
    const [orders] = await slo.sloStatus('orders');
    expect(orders!.measured.windows['30d']).toMatchObject({ fetches: 1, errors: 0 });
    expect(orders!.measured.errorBudgetRemaining).toBe(1);
    await recorder.close();
  });
});

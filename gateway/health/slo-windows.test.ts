import { describe, expect, it } from 'vitest';
import type { ProductSla } from '../protocol/index.js';
import { addFetch, emptyCounts } from './latency-histogram.js';
import { WINDOWS, windowRange } from './sli-tiers.js';
import { burnAlerts, errorBudgetOf, errorBudgetRemaining, windowSli } from './slo-windows.js';
import type { SliBucket, SloWindow, WindowSli } from './slo-types.js';

const SLA: ProductSla = Object.freeze({
  availabilityPercent: 99.9,
  latencyP95Ms: 300,
  errorRatePercent: 0.1,
  freshness: { element: null, maxLagSeconds: 900 },
  maxAgeSeconds: {},
});

function bucket(ok: number, errors: number, ms = 20): SliBucket {
  const counts = emptyCounts();
  for (let i = 0; i < ok; i++) addFetch(counts, ms, true);
  for (let i = 0; i < errors; i++) addFetch(counts, ms, false);
  return { tier: '10s', start: 0, counts };
}

const all = (ok: number, errors: number): Record<SloWindow, WindowSli> =>
  Object.fromEntries(
    (['5m', '30m', '1h', '6h', '3d', '30d'] as const).map((w) => [
      w,
      windowSli(w, [bucket(ok, errors)], SLA),
    ]),
  ) as Record<SloWindow, WindowSli>;

describe('SLO windows and burn rates', () => {
  it('aligns each window to its tier: 30 ten-second buckets for 5m, 12 five-minute ones for 1h', () => {
    const now = 1_700_000_123_456;
    const five = windowRange(WINDOWS['5m'], now);
    expect((five.to - five.from) / 10_000 + 1).toBe(30);
    expect(five.to).toBe(1_700_000_120_000);
    const hour = windowRange(WINDOWS['1h'], now);
    expect((hour.to - hour.from) / 300_000 + 1).toBe(12);
    const month = windowRange(WINDOWS['30d'], now);
    expect((month.to - month.from) / 3_600_000 + 1).toBe(720);
  });

  it('the budget is the stricter of 1 − availability and the error-rate target', () => {
    expect(errorBudgetOf(SLA)).toBeCloseTo(0.001, 10);
    expect(errorBudgetOf({ ...SLA, availabilityPercent: 99, errorRatePercent: 0.5 })).toBeCloseTo(0.005, 10);
  });

  it('availability, error rate, throughput and burn rate of constructed traffic', () => {
    const w = windowSli('1h', [bucket(990, 5), bucket(0, 5)], SLA);
    expect(w).toMatchObject({ window: '1h', fetches: 1000, errors: 10, availability: 0.99, errorRate: 0.01 });
    expect(w.burnRate).toBeCloseTo(10, 6); // 1% errors on a 0.1% budget
    expect(w.throughputPerSecond).toBeCloseTo(1000 / 3600, 6);
    expect(w.latencyGoodRatio).toBe(1);
    expect(windowSli('5m', [], SLA)).toMatchObject({ fetches: 0, availability: null, burnRate: null });
  });

  it('pages on 14.4× over 1h and 5m, tickets on 1× over 3d and 6h, and not on too little traffic', () => {
    const fast = burnAlerts(all(980, 20)); // 2% errors: 20× burn everywhere
    expect(fast.map((a) => [a.severity, a.long, a.short, a.firing])).toEqual([
      ['page', '1h', '5m', true],
      ['page', '6h', '30m', true],
      ['ticket', '3d', '6h', true],
    ]);
    const slow = burnAlerts(all(9_980, 20)); // 0.2%: 2× burn
    expect(slow.map((a) => a.firing)).toEqual([false, false, true]);
    // Burning in the long window only (the burn has stopped): the short window keeps the page off.
    const stopped = {
      ...all(980, 20),
      '5m': windowSli('5m', [bucket(500, 0)], SLA),
      '30m': windowSli('30m', [bucket(500, 0)], SLA),
    };
    expect(burnAlerts(stopped).map((a) => a.firing)).toEqual([false, false, true]);
    expect(burnAlerts(all(3, 1)).some((a) => a.firing)).toBe(false);
  });

  it('error budget remaining over 30 days', () => {
    expect(errorBudgetRemaining(windowSli('30d', [bucket(99_950, 50)], SLA), 0.001)).toBeCloseTo(0.5, 6);
    expect(errorBudgetRemaining(windowSli('30d', [bucket(9_980, 20)], SLA), 0.001)).toBeCloseTo(-1, 6);
    expect(errorBudgetRemaining(windowSli('30d', [], SLA), 0.001)).toBe(1);
    expect(errorBudgetRemaining(windowSli('30d', [], null), null)).toBeNull();
  });
});

import { describe, expect, it } from 'vitest';
import type { ProductSla } from '../protocol/index.js';
import { productHealthOf, type HealthInput } from './health-rules.js';
import { addFetch, emptyCounts } from './latency-histogram.js';
import { burnAlerts, errorBudgetRemaining, windowSli } from './slo-windows.js';
import type { SloWindow, WindowSli } from './slo-types.js';
import type { FreshnessReading, QualityResult } from './types.js';

const SLA: ProductSla = {
  availabilityPercent: 99.9,
  latencyP95Ms: 300,
  errorRatePercent: 0.1,
  freshness: { element: 'orders.placed_at', maxLagSeconds: 900 },
  maxAgeSeconds: {},
};

function input(ok: number, errors: number, ms = 20, extra: Partial<HealthInput> = {}): HealthInput {
  const counts = emptyCounts();
  for (let i = 0; i < ok; i++) addFetch(counts, ms, true);
  for (let i = 0; i < errors; i++) addFetch(counts, ms, false);
  const windows = Object.fromEntries(
    (['5m', '30m', '1h', '6h', '3d', '30d'] as const).map((w) => [
      w,
      windowSli(w, ok + errors ? [{ tier: '10s', start: 0, counts }] : [], SLA),
    ]),
  ) as Record<SloWindow, WindowSli>;
  return {
    declared: SLA,
    windows,
    alerts: burnAlerts(windows),
    errorBudgetRemaining: errorBudgetRemaining(windows['30d'], 0.001),
    quality: [rule('orders-ids', true)],
    freshness: [reading(60)],
    source: 'shared',
    sharedStore: true,
    ...extra,
  };
}

function rule(ruleId: string, passed: boolean, severity = 'error'): QualityResult {
  return {
    product: 'orders',
    ruleId,
    dimension: 'completeness',
    metric: 'nullValues',
    measured: passed ? 0 : 3,
    threshold: 'mustBe 0',
    passed,
    severity,
    durationMs: 4,
    at: '2026-12-03T10:00:00.000Z',
  };
}

function reading(lagSeconds: number | null): FreshnessReading {
  return {
    product: 'orders',
    element: 'orders.placed_at',
    newest: null,
    lagSeconds,
    maxLagSeconds: 900,
    at: '2026-12-03T10:00:00.000Z',
  };
}

describe('the health signal', () => {
  it('healthy within SLO, with the figures as its reason', () => {
    expect(productHealthOf(input(100_000, 0))).toEqual({
      state: 'healthy',
      reasons: ['within SLO: availability 100.000% over 1h, budget 100.000% left'],
    });
  });

  it('failing on a fast burn (and the budget spent), with each reason', () => {
    const health = productHealthOf(input(980, 20));
    expect(health.state).toBe('failing');
    expect(health.reasons).toEqual([
      'fast burn: error budget burning 20.0× over 1h and 20.0× over 5m (threshold 14.4×)',
      'fast burn: error budget burning 20.0× over 6h and 20.0× over 30m (threshold 6×)',
      'error budget exhausted: 20 failed of 1000 fetches over 30d',
      'slow burn: error budget burning 20.0× over 3d and 20.0× over 6h (threshold 1×)',
    ]);
  });

  it('degraded on a slow burn alone, or a missed latency SLO', () => {
    // The burn of the last days, with half of the month's budget left.
    const slow = productHealthOf(input(99_800, 200, 20, { errorBudgetRemaining: 0.5 }));
    expect(slow.state).toBe('degraded');
    expect(slow.reasons).toEqual([
      'slow burn: error budget burning 2.0× over 3d and 2.0× over 6h (threshold 1×)',
    ]);
    const slowFetches = productHealthOf(input(1_000, 0, 400));
    expect(slowFetches).toEqual({
      state: 'degraded',
      reasons: [
        'latency SLO missed: 0.00% of fetches within 300 ms over 1h (objective 95.00%; p95 ≈ 490 ms)',
      ],
    });
  });

  it('judges latency from 20 fetches in the hour: fewer are said, not held against the product', () => {
    const firstMinutes = productHealthOf(input(5, 0, 400));
    expect(firstMinutes).toEqual({
      state: 'healthy',
      reasons: [
        'within SLO: availability 100.000% over 1h, budget 100.000% left; latency not judged yet: 5 fetches over 1h (judged from 20), 0.00% within 300 ms',
      ],
    });
    expect(productHealthOf(input(20, 0, 400)).state).toBe('degraded');
  });

  it('failing on stale data or a blocking rule; degraded on a warning rule', () => {
    expect(productHealthOf(input(1_000, 0, 20, { freshness: [reading(1_200)] }))).toEqual({
      state: 'failing',
      reasons: ['stale: orders.placed_at is 1200 s old (bound 900 s)'],
    });
    expect(productHealthOf(input(1_000, 0, 20, { quality: [rule('no-null-customer', false)] }))).toEqual({
      state: 'failing',
      reasons: ['quality rule no-null-customer (completeness, error) failed: measured 3, must be mustBe 0'],
    });
    expect(
      productHealthOf(input(1_000, 0, 20, { quality: [rule('few-nulls', false, 'warning')] })).state,
    ).toBe('degraded');
  });

  it('missing data degrades and says so; it never fails on that alone', () => {
    expect(productHealthOf(input(1_000, 0, 20, { quality: null, freshness: null }))).toEqual({
      state: 'degraded',
      reasons: ['freshness not measured (no quality store)', 'quality not measured (no quality store)'],
    });
    expect(productHealthOf(input(0, 0)).reasons).toEqual([
      'no traffic measured in 30d: availability and latency unknown',
    ]);
    expect(productHealthOf(input(1_000, 0, 20, { source: 'replica' })).reasons).toEqual([
      "SLI store (Redis) unreachable: these numbers are this replica's only",
    ]);
    expect(productHealthOf(input(1_000, 0, 20, { declared: null })).reasons[0]).toBe(
      'no descriptor: no SLA to measure against',
    );

    // No reading yet where the contract names a timestamp element: said; none named: nothing to miss.
    expect(productHealthOf(input(1_000, 0, 20, { freshness: [] })).reasons).toEqual([
      'freshness not measured yet',
    ]);
    const unprobed = { ...SLA, freshness: { element: null, maxLagSeconds: 900 } };
    expect(productHealthOf(input(1_000, 0, 20, { declared: unprobed, freshness: [] })).state).toBe('healthy');
  });
});

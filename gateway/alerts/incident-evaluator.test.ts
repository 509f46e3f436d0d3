import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import type { BurnAlert, ProductHealth, SloWindow, WindowSli } from '../health/slo-types.js';
import type { QualityResult } from '../health/types.js';
import { createIncidentEvaluator } from './incident-evaluator.js';
import type { Incident, IncidentStore } from './incident-types.js';
import { memoryIncidentStore } from './memory-incident-store.js';
import { redisIncidentStore } from './redis-incident-store.js';

const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const WINDOWS: SloWindow[] = ['5m', '30m', '1h', '6h', '3d', '30d'];
const clients: Redis[] = [];
afterAll(async () => {
  await Promise.all(clients.map((c) => c.quit()));
});

/** orders' health with `errors` of 100 fetches failing in every window, against a 0.1% budget. */
function health(errors: number): ProductHealth {
  const window = (w: SloWindow): WindowSli => ({
    window: w,
    fetches: 100,
    errors,
    availability: 1 - errors / 100,
    errorRate: errors / 100,
    throughputPerSecond: 1,
    latencyMs: { p50: 5, p95: 10, p99: 20 },
    latencyGoodRatio: 1,
    burnRate: errors / 100 / 0.001,
  });
  const alerts: BurnAlert[] = [
    { severity: 'page', long: '1h', short: '5m', factor: 14.4, firing: errors / 100 / 0.001 > 14.4 },
  ];
  return {
    product: 'orders',
    state: errors ? 'failing' : 'healthy',
    reasons: [],
    declared: null,
    measured: {
      source: 'shared',
      windows: Object.fromEntries(WINDOWS.map((w) => [w, window(w)])) as Record<SloWindow, WindowSli>,
      served: Object.fromEntries(WINDOWS.map((w) => [w, window(w)])) as Record<SloWindow, WindowSli>,
      servedFromCache: Object.fromEntries(WINDOWS.map((w) => [w, 0])) as Record<SloWindow, number>,
      probe: null,
      errorBudget: 0.001,
      errorBudgetRemaining: 0,
      alerts,
      freshnessLagSeconds: null,
      qualityPassRatio: null,
    },
    at: new Date().toISOString(),
  };
}

const rule = (ruleId: string, passed: boolean, severity: string): QualityResult => ({
  product: 'payments',
  ruleId,
  dimension: 'validity',
  metric: 'invalid_rows',
  measured: passed ? 0 : 3,
  threshold: '= 0',
  passed,
  severity,
  durationMs: 2,
  at: '2026-01-01T00:00:00.000Z',
});

function redisStore(prefix: string): IncidentStore {
  const redis = new Redis(REDIS_URL);
  clients.push(redis);
  return redisIncidentStore(redis, prefix);
}

describe('incident evaluator', () => {
  it('two replicas over one Redis open one incident for one failure, and resolve it once', async () => {
    const prefix = `meshgate:test:incidents:{${randomUUID()}}:`;
    let errors = 50;
    const opened: Incident[] = [];
    const resolved: Incident[] = [];
    const replicas = [redisStore(prefix), redisStore(prefix)].map((store) =>
      createIncidentEvaluator(
        store,
        { sloStatus: async () => [health(errors)], consumers: async () => ['support-bot'] },
        { opened: (i) => void opened.push(i), resolved: (i) => void resolved.push(i) },
      ),
    );
    const t0 = Date.parse('2026-01-01T00:00:00Z');
    await Promise.all(replicas.map((r) => r.evaluate(t0)));
    await Promise.all(replicas.map((r) => r.evaluate(t0 + 1_000)));
    expect(opened).toHaveLength(1);
    const store = redisStore(prefix);
    const open = await store.list({ open: true });
    expect(open).toHaveLength(1);
    expect(open[0]).toMatchObject({
      product: 'orders',
      kind: 'slo',
      condition: 'availability',
      state: 'open',
      consumers: ['support-bot'],
      detectedAt: '2026-01-01T00:00:00.000Z',
      evidence: {
        alerts: [{ long: '1h', short: '5m', factor: 14.4 }],
        errors: { '5m': { errors: 50, fetches: 100 } },
      },
    });
    expect((open[0]!.evidence as { burnRates: Record<string, number> }).burnRates['5m']).toBeCloseTo(500);

    errors = 0;
    await Promise.all(replicas.map((r) => r.evaluate(t0 + 60_000)));
    expect(resolved).toHaveLength(1);
    expect(resolved[0]).toMatchObject({
      state: 'resolved',
      timeToRepairMs: 60_000,
      resolvedAt: '2026-01-01T00:01:00.000Z',
    });
    expect(await store.list({ open: true })).toEqual([]);
    expect(await store.list()).toHaveLength(1);
    const keys = await clients[0]!.keys(`${prefix}*`);
    expect(keys).toHaveLength(2); // the incident's hash and the index: the open key is gone
    await clients[0]!.del(...keys);
  });

  it('opens a quality incident for a failing blocking rule only, and resolves it when the rule passes', async () => {
    const store = memoryIncidentStore();
    let results = [rule('no-negative-amounts', false, 'error'), rule('has-currency', false, 'warning')];
    const opened: Incident[] = [];
    const evaluator = createIncidentEvaluator(
      store,
      {
        sloStatus: async () => [],
        quality: { latest: async () => results, latestFreshness: async () => [] },
      },
      { opened: (i) => void opened.push(i) },
    );
    const now = Date.parse('2026-01-01T00:00:30Z');
    await evaluator.evaluate(now);
    await evaluator.evaluate(now + 10_000);
    expect(opened.map((i) => `${i.product} ${i.kind} ${i.condition} ${i.timeToDetectMs}`)).toEqual([
      'payments quality no-negative-amounts 30000',
    ]);
    results = [rule('no-negative-amounts', true, 'error')];
    await evaluator.evaluate(now + 20_000);
    expect((await store.list()).map((i) => `${i.state} ${i.timeToRepairMs}`)).toEqual(['resolved 50000']);
  });

  it('opens an availability incident from the probe with no traffic, counts what the cache shielded, and never re-opens from a run another replica saw end', async () => {
    const prefix = `meshgate:test:incidents:{${randomUUID()}}:`;
    const t0 = Date.parse('2026-01-01T00:00:00Z');
    const down = {
      product: 'payments',
      consecutiveFailures: 3,
      threshold: 3,
      since: t0 - 900,
      lastError: 'ECONNREFUSED',
      lastOkAt: t0 - 1_200,
      intervalMs: 300,
    };
    let shielded = 40;
    // Replica A still sees the run of failures; replica B's probe passed after the restart.
    let downsA = [down];
    let downsB = [down];
    const opened: Incident[] = [];
    const resolved: Incident[] = [];
    const [a, b] = [() => downsA, () => downsB].map((downs, i) =>
      createIncidentEvaluator(
        redisStore(prefix),
        {
          sloStatus: async () => [],
          probes: downs,
          shield: async (_product, since) => ({
            readsServedFromCache: shielded,
            since: new Date(since).toISOString(),
            // Only replica A's L1 holds payments' entries.
            oldestEntryExpiresAt: i === 0 ? '2026-01-01T00:15:00.000Z' : null,
          }),
        },
        { opened: (x) => void opened.push(x), resolved: (x) => void resolved.push(x) },
      ),
    );
    await b!.evaluate(t0);
    await a!.evaluate(t0 + 300);
    expect(opened).toHaveLength(1);
    expect(opened[0]).toMatchObject({
      product: 'payments',
      kind: 'availability',
      condition: 'probe',
      startedAt: '2025-12-31T23:59:59.100Z',
      timeToDetectMs: 900,
      evidence: {
        probe: { consecutiveFailures: 3, threshold: 3, lastError: 'ECONNREFUSED' },
        cache: { readsServedFromCache: 40, since: '2025-12-31T23:59:59.100Z', oldestEntryExpiresAt: null },
      },
    });
    const store = redisStore(prefix);
    // A's evaluation filled in its cache's expiry; B's null does not erase it.
    shielded = 250;
    await b!.evaluate(t0 + 600);
    expect((await store.list({ open: true }))[0]!.evidence.cache).toEqual({
      readsServedFromCache: 250,
      since: '2025-12-31T23:59:59.100Z',
      oldestEntryExpiresAt: '2026-01-01T00:15:00.000Z',
    });

    downsB = [];
    shielded = 300;
    await b!.evaluate(t0 + 10_000);
    expect(
      resolved.map((i) => [
        i.id,
        i.timeToRepairMs,
        (i.evidence.cache as { readsServedFromCache: number }).readsServedFromCache,
      ]),
    ).toEqual([[opened[0]!.id, 10_900, 300]]);
    // A has not probed again: its run began before the resolution, so nothing re-opens.
    await a!.evaluate(t0 + 10_100);
    expect(opened).toHaveLength(1);
    // Down again later: a new run, a new incident.
    downsA = [{ ...down, since: t0 + 20_000 }];
    await a!.evaluate(t0 + 21_000);
    expect(opened.map((i) => i.startedAt)).toEqual(['2025-12-31T23:59:59.100Z', '2026-01-01T00:00:20.000Z']);
    const keys = await clients[0]!.keys(`${prefix}*`);
    await clients[0]!.del(...keys);
  });
});

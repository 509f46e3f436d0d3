import { describe, expect, it } from 'vitest';
import type { ProductSla } from '../protocol/index.js';
import { memorySliStore } from './memory-sli-store.js';
import { sliRecorder } from './sli-recorder.js';
import { createSloStatus } from './slo-status.js';
import type { ProbeReading } from './slo-types.js';

/** What payments' contract promises (subgraphs/payments/contract.odcs.yaml). */
const sla: ProductSla = {
  availabilityPercent: 99.9,
  latencyP95Ms: 300,
  errorRatePercent: 0.1,
  freshness: { element: null, maxLagSeconds: 900 },
  maxAgeSeconds: {},
};
const fetch = (ok: boolean, durationMs: number, fromCache = false) => ({
  subgraph: 'payments',
  durationMs,
  entityCount: 1,
  ok,
  ...(fromCache && { fromCache }),
});

describe('origin and served SLIs', () => {
  it('counts cache hits in the served view only and probes in the origin view only; the SLA reads origin', async () => {
    let time = Date.parse('2026-01-01T00:00:05Z');
    const now = () => time;
    const store = memorySliStore(now);
    const recorder = sliRecorder({ store, flushIntervalMs: 600_000, now });
    let probe: ProbeReading | null = null;
    const status = createSloStatus({
      sli: recorder,
      products: () => [{ name: 'payments', sla }],
      probes: () => probe,
      now,
      cacheMs: 0,
    });
    // Before the kill: 10 fetches reached payments (20 ms), 5 probes passed.
    recorder.record(Array.from({ length: 10 }, () => fetch(true, 20)));
    for (let i = 0; i < 5; i++) recorder.recordProbe('payments', true);
    time += 10_000;
    // payments down behind a warm cache: 90 reads from the cache, 15 probes fail.
    recorder.record(Array.from({ length: 90 }, () => fetch(true, 0.4, true)));
    for (let i = 0; i < 15; i++) recorder.recordProbe('payments', false);
    probe = {
      state: 'down',
      consecutiveFailures: 15,
      threshold: 3,
      failingSince: '2026-01-01T00:00:15.000Z',
      lastError: 'ECONNREFUSED',
      lastOkAt: '2026-01-01T00:00:10.000Z',
      checkedAt: '2026-01-01T00:00:19.000Z',
    };

    const [health] = await status.sloStatus('payments');
    const { windows, served, servedFromCache } = health!.measured;
    expect([windows['5m'].fetches, windows['5m'].errors, windows['5m'].availability]).toEqual([30, 15, 0.5]);
    // Probes carry no latency: the origin p95 is the 10 queries' (20 ms bucket).
    expect(windows['5m'].latencyMs.p95).toBe(19.5);
    expect([served['5m'].fetches, served['5m'].errors, served['5m'].availability]).toEqual([100, 0, 1]);
    expect(servedFromCache['5m']).toBe(90);
    expect(health!.measured.alerts.find((a) => a.long === '1h')!.firing).toBe(true);
    expect(health!.state).toBe('failing');
    expect(health!.reasons[0]).toBe(
      'down: 15 health probes in a row failed since 2026-01-01T00:00:15.000Z (ECONNREFUSED); consumers served at 100.000% over 5m (entity cache)',
    );
    expect(await status.servedFromCache('payments', Date.parse('2026-01-01T00:00:12Z'))).toBe(90);
    expect(await status.servedFromCache('payments', Date.parse('2026-01-01T00:00:25Z'))).toBe(0);
    const origin = await status.sliSeries('payments', '5m');
    const consumers = await status.sliSeries('payments', '5m', 'served');
    expect(origin.filter((p) => p.fetches).map((p) => [p.fetches, p.errors])).toEqual([
      [15, 0],
      [15, 15],
    ]);
    expect(consumers.filter((p) => p.fetches).map((p) => [p.fetches, p.errors])).toEqual([
      [10, 0],
      [90, 0],
    ]);
    expect(recorder.stats).toMatchObject({ recorded: 120, stored: 120 });
    await recorder.close();
  });
});

import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { memoryQualityStore, redisQualityStore } from './quality-store.js';
import type { FreshnessReading, QualityResult, QualityStore } from './types.js';

/** Both stores answer the same: the newest result per rule, and a bounded history, newest first. */
const redis = new Redis('redis://127.0.0.1:6379');
const prefix = `meshgate:test:{quality-${randomUUID()}}:`;
afterAll(async () => {
  const keys = await redis.keys(`${prefix}*`);
  if (keys.length) await redis.del(...keys);
  await redis.quit();
});

const result = (product: string, ruleId: string, run: number, passed = true): QualityResult => ({
  product,
  ruleId,
  dimension: 'completeness',
  metric: 'nullValues',
  measured: passed ? 0 : run,
  threshold: 'mustBe 0',
  passed,
  severity: 'error',
  durationMs: 1.5,
  at: new Date(Date.UTC(2026, 11, 3, 10, run)).toISOString(),
});
const reading = (product: string, run: number): FreshnessReading => ({
  product,
  element: 'orders.placed_at',
  newest: '2026-12-03T09:00:00.000Z',
  lagSeconds: run * 60,
  maxLagSeconds: 300,
  at: new Date(Date.UTC(2026, 11, 3, 10, run)).toISOString(),
});

describe.each<[string, () => QualityStore]>([
  ['memory', () => memoryQualityStore({ historyLimit: 3 })],
  ['Redis', () => redisQualityStore(redis, { historyLimit: 3, prefix: `${prefix}${randomUUID()}:` })],
])('the %s quality store', (_kind, open) => {
  it('keeps the newest result of every rule and a history bounded per rule', async () => {
    const store = open();
    for (let run = 1; run <= 5; run++)
      await store.record([
        result('orders', 'order-has-lines', run, run !== 5),
        result('catalog', 'products-not-empty', run),
      ]);
    await store.record([result('orders', 'orders-not-empty', 6)]);

    expect((await store.latest()).map((r) => [r.product, r.ruleId, r.passed, r.at])).toEqual([
      ['catalog', 'products-not-empty', true, '2026-12-03T10:05:00.000Z'],
      ['orders', 'order-has-lines', false, '2026-12-03T10:05:00.000Z'],
      ['orders', 'orders-not-empty', true, '2026-12-03T10:06:00.000Z'],
    ]);
    expect((await store.latest('catalog')).map((r) => r.ruleId)).toEqual(['products-not-empty']);
    const history = await store.history('orders', 'order-has-lines', 10);
    expect(history.map((r) => [r.at, r.measured])).toEqual([
      ['2026-12-03T10:05:00.000Z', 5],
      ['2026-12-03T10:04:00.000Z', 0],
      ['2026-12-03T10:03:00.000Z', 0],
    ]);
    expect(history[0]).toEqual(result('orders', 'order-has-lines', 5, false));
    expect(await store.history('orders', 'order-has-lines', 1)).toHaveLength(1);
    expect(await store.history('orders', 'no-such-rule', 5)).toEqual([]);
  });

  it('keeps freshness readings per product the same way', async () => {
    const store = open();
    for (let run = 1; run <= 4; run++)
      await store.recordFreshness([reading('orders', run), reading('payments', run)]);
    expect((await store.latestFreshness()).map((r) => [r.product, r.lagSeconds])).toEqual([
      ['orders', 240],
      ['payments', 240],
    ]);
    expect((await store.latestFreshness('payments')).map((r) => r.product)).toEqual(['payments']);
    expect((await store.freshnessHistory('orders', 10)).map((r) => r.lagSeconds)).toEqual([240, 180, 120]);
  });
});

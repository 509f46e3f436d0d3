import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FreshnessReading, QualityResult } from '../gateway/health/types.js';
import { dataProducts } from '../subgraphs/index.js';
import { startMesh, type RunningMesh } from '../gateway/cli/mesh.js';
import { createLogger } from '../gateway/common/logger.js';
import { runMeshgate } from './support/cli.js';
import { sharedMesh, testConfig } from './support/mesh.js';
import { personaToken } from './support/personas.js';
import { pgliteTemplates } from './support/pglite-templates.js';

/**
 * `meshgate quality run|freshness|history` asked of a running mesh of its own (in-memory PGlite
 * loaded from the seeded templates, so rows the test breaks a rule with reach no other test):
 * every rule of the five contracts passing on the seed; rows that break one rule fail exactly
 * that rule on the next run; results are kept with their history in Redis; and the mesh runs
 * the same rules on its own schedule.
 */
const prefix = `meshgate:test:{quality-${randomUUID()}}:`;
const redis = new Redis('redis://127.0.0.1:6379');
let own: RunningMesh;
let flags: string[];
beforeAll(async () => {
  own = await startMesh(
    testConfig({
      REDIS_URL: 'redis://127.0.0.1:6379',
      MESHGATE_QUALITY_PREFIX: prefix,
      // Only the runs the test asks for: a scheduled one would add to the history it reads.
      MESHGATE_QUALITY_INTERVAL: '1h',
      MESHGATE_FRESHNESS_INTERVAL: '1h',
    }),
    createLogger('silent'),
    { ports: 'free', persistent: false, templates: pgliteTemplates() },
  );
  flags = ['--url', own.gateway.url, '--token', personaToken('data-steward')];
}, 180_000);
afterAll(async () => {
  await own?.stop();
  const keys = await redis.keys(`${prefix}*`);
  if (keys.length) await redis.del(...keys);
  await redis.quit();
});

const RULES = dataProducts.reduce((n, p) => n + p.descriptor.quality.length, 0);
const run = async (args: string[]) => {
  const result = await runMeshgate(['quality', 'run', '--json', ...flags, ...args], {}, 170_000);
  expect(result.stderr).toBe('');
  return { code: result.code, results: JSON.parse(result.stdout) as QualityResult[] };
};

describe('meshgate quality run', () => {
  it('runs every rule of the five contracts on the seed: all pass, one result per rule', async () => {
    const { code, results } = await run([]);
    expect(code).toBe(0);
    expect(RULES).toBe(28);
    expect(results).toHaveLength(RULES);
    expect([...new Set(results.map((r) => r.product))]).toEqual([
      'customers',
      'catalog',
      'orders',
      'payments',
      'shipping',
    ]);
    expect(results.filter((r) => !r.passed)).toEqual([]);
    expect(results.filter((r) => r.metric === 'sql').map((r) => r.ruleId)).toEqual([
      'product-category-exists',
      'order-has-lines',
      'order-not-in-future',
      'card-payment-has-card',
      'delivered-shipment-has-date',
      'shipping-rates-positive-days',
    ]);
    expect(results.find((r) => r.ruleId === 'orders-not-empty')).toMatchObject({
      product: 'orders',
      dimension: 'completeness',
      metric: 'rowCount',
      measured: 50_000,
      threshold: 'mustBeGreaterThan 0',
      passed: true,
      severity: 'error',
    });
    expect(results.find((r) => r.ruleId === 'customer-phone-mostly-given')).toMatchObject({
      metric: 'missingValues',
      measured: 14.28,
      threshold: 'mustBeLessThan 20',
      passed: true,
    });
  }, 180_000);

  it('rows that break a rule fail exactly that rule on the next run, and the history keeps both runs', async () => {
    await own.subgraphs
      .find((s) => s.name === 'orders')!
      .db.query(
        `INSERT INTO orders (id, customer_id, status, placed_at, currency)
         SELECT 900000 + i, 1, 'PENDING', timestamptz '2025-06-01 12:00:00+00', 'EUR' FROM generate_series(1, 3) AS i`,
      );
    const { code, results } = await run(['--product', 'orders']);
    expect(code).toBe(1);
    expect(results.map((r) => [r.ruleId, r.passed, r.measured])).toEqual([
      ['orders-not-empty', true, 50_003],
      ['order-has-lines', false, 3],
      ['order-not-in-future', true, 0],
      ['order-status-known', true, 0],
      ['order-customer-present', true, 0],
      ['order-line-price-whole-cents', true, 0],
    ]);
    expect(results.filter((r) => !r.passed)).toHaveLength(1);

    const history = await runMeshgate(
      ['quality', 'history', '--product', 'orders', '--rule', 'order-has-lines', ...flags],
      {},
    );
    expect(history.code).toBe(0);
    const lines = history.stdout.trim().split('\n');
    expect(lines[0]).toMatch(
      /^product\s+rule\s+dimension\s+metric\s+measured\s+threshold\s+result\s+duration$/,
    );
    // Newest first. The gateway's schedule runs once on its own within 10 s of the start (then
    // hourly here), so one more run may sit on either side of the insert: every run after it
    // failed with the 3 rows, every run before it passed on the seed.
    const rows = lines.slice(1, -1).map((l) => l.split(/\s{2,}/).slice(0, 7));
    const failed = ['orders', 'order-has-lines', 'completeness', 'sql', '3', 'mustBe 0', 'FAILED'];
    const passed = ['orders', 'order-has-lines', 'completeness', 'sql', '0', 'mustBe 0', 'passed'];
    const firstPassed = rows.findIndex((row) => row[6] === 'passed');
    expect(firstPassed).toBeGreaterThanOrEqual(1);
    expect(rows.slice(0, firstPassed)).toEqual(Array.from({ length: firstPassed }, () => failed));
    expect(rows.slice(firstPassed)).toEqual(Array.from({ length: rows.length - firstPassed }, () => passed));
    expect(rows.length).toBeLessThanOrEqual(3);
    expect(lines.at(-1)).toBe(
      `${rows.length} rules, ${rows.length - firstPassed} passed, ${firstPassed} failed`,
    );
  }, 180_000);

  it('the freshness probe reads the newest order and its lag behind the 5-minute SLA', async () => {
    const result = await runMeshgate(
      ['quality', 'freshness', '--product', 'orders', '--json', ...flags],
      {},
      170_000,
    );
    expect(result.code, result.stderr).toBe(0);
    const [reading] = JSON.parse(result.stdout) as FreshnessReading[];
    expect(reading).toMatchObject({
      product: 'orders',
      element: 'orders.placed_at',
      newest: '2025-06-01T12:00:00.000Z',
      maxLagSeconds: 300,
    });
    expect(reading!.lagSeconds).toBe(
      Math.round((Date.parse(reading!.at) - Date.parse('2025-06-01T12:00:00Z')) / 1_000),
    );
  }, 180_000);
});

describe('the mesh’s quality schedule', () => {
  it('runs the same rules against the products it serves and tells its listeners', async () => {
    const mesh = await sharedMesh();
    expect(mesh.quality).not.toBeNull();
    const told: number[] = [];
    const unsubscribe = mesh.quality!.onResults((results) => void told.push(results.length));
    try {
      const results = await mesh.quality!.runQualityNow();
      expect(results).toHaveLength(RULES);
      expect(results.filter((r) => !r.passed)).toEqual([]);
      expect(told).toEqual([RULES]);
      const readings = await mesh.quality!.probeFreshnessNow();
      expect(readings.map((r) => r.element)).toEqual([
        'customers.created_at',
        'orders.placed_at',
        'payments.paid_at',
        'shipments.shipped_at',
      ]);
    } finally {
      unsubscribe();
    }
  }, 180_000);
});

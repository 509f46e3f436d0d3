import { randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { PGlite } from '@electric-sql/pglite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FreshnessReading, QualityResult } from '../gateway/health/types.js';
import { dataProducts } from '../subgraphs/index.js';
import { openDatabase } from '../subgraphs/kit/database.js';
import { runMeshgate } from './support/cli.js';
import { sharedMesh } from './support/mesh.js';
import { pgliteTemplates } from './support/pglite-templates.js';

/**
 * `meshgate quality run` on the embedded PGlite state of a scratch state directory (so rows
 * the test breaks a rule with reach no other test), every rule of the five contracts passing
 * on the seed; rows that break one rule fail exactly that rule on the next run; results are
 * kept with their history in Redis; and the mesh runs the same rules on its own schedule.
 */
const state = mkdtempSync(join(tmpdir(), 'meshgate-quality-'));
const prefix = `meshgate:test:{quality-${randomUUID()}}:`;
const env = {
  MESHGATE_STATE_DIR: state,
  REDIS_URL: 'redis://127.0.0.1:6379',
  MESHGATE_QUALITY_PREFIX: prefix,
};
const redis = new Redis('redis://127.0.0.1:6379');
// The scratch state directory starts from the seeded templates (test/support/pglite-templates.ts)
// instead of seeding the 50,000-order world again in the CLI's process.
beforeAll(async () => {
  mkdirSync(join(state, 'pglite'), { recursive: true });
  for (const [name, template] of pgliteTemplates()) {
    const db = await PGlite.create({ dataDir: join(state, 'pglite', name), loadDataDir: template });
    await db.close();
  }
}, 180_000);
afterAll(async () => {
  const keys = await redis.keys(`${prefix}*`);
  if (keys.length) await redis.del(...keys);
  await redis.quit();
  rmSync(state, { recursive: true, force: true });
});

const RULES = dataProducts.reduce((n, p) => n + p.descriptor.quality.length, 0);
const run = async (args: string[]) => {
  const result = await runMeshgate(['quality', 'run', '--json', ...args], env, 170_000);
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
    // The CLI has exited: the embedded database is free to open.
    const db = await openDatabase({ schema: 'orders', dataDir: join(state, 'pglite', 'orders') });
    try {
      await db.query(
        `INSERT INTO orders (id, customer_id, status, placed_at, currency)
         SELECT 900000 + i, 1, 'PENDING', timestamptz '2025-06-01 12:00:00+00', 'EUR' FROM generate_series(1, 3) AS i`,
      );
    } finally {
      await db.close();
    }
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
      ['quality', 'history', '--product', 'orders', '--rule', 'order-has-lines'],
      env,
    );
    expect(history.code).toBe(0);
    const lines = history.stdout.trim().split('\n');
    expect(lines[0]).toMatch(
      /^product\s+rule\s+dimension\s+metric\s+measured\s+threshold\s+result\s+duration$/,
    );
    expect(lines.slice(1, 3).map((l) => l.split(/\s{2,}/).slice(0, 7))).toEqual([
      ['orders', 'order-has-lines', 'completeness', 'sql', '3', 'mustBe 0', 'FAILED'],
      ['orders', 'order-has-lines', 'completeness', 'sql', '0', 'mustBe 0', 'passed'],
    ]);
    expect(lines.at(-1)).toBe('2 rules, 1 passed, 1 failed');
  }, 180_000);

  it('the freshness probe reads the newest order and its lag behind the 5-minute SLA', async () => {
    const result = await runMeshgate(['quality', 'freshness', '--product', 'orders', '--json'], env, 170_000);
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

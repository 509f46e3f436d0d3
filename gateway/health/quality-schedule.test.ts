import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { dataProducts } from '../../subgraphs/index.js';
import { openDatabase, type Database } from '../../subgraphs/kit/database.js';
import type { DataProductDescriptor } from '../protocol/index.js';
import { createLogger } from '../common/logger.js';
import { loadConfig } from '../config/config.js';
import { memoryQualityStore } from './quality-store.js';
import { startQualitySchedule } from './quality-schedule.js';
import type { QualityResult } from './types.js';

/** The schedule on an embedded database of its own: runs, records, tells its listeners, stops cleanly. */
let db: Database;
beforeAll(async () => {
  db = await openDatabase({ schema: 'schedule_test' });
  await db.exec(`CREATE TABLE items (id integer PRIMARY KEY, name text, updated_at timestamptz NOT NULL);
    INSERT INTO items SELECT i, 'item ' || i, now() - interval '10 seconds' FROM generate_series(1, 5) AS i;`);
});
afterAll(() => db.close());

const orders = dataProducts.find((p) => p.name === 'orders')!.descriptor;
const descriptor: DataProductDescriptor = {
  ...orders,
  name: 'items',
  sla: { ...orders.sla, freshness: { element: 'items.updated_at', maxLagSeconds: 60 } },
  quality: [
    {
      id: 'items-named',
      type: 'library',
      metric: 'nullValues',
      object: 'Item',
      property: 'name',
      table: 'items',
      column: 'name',
      dimension: 'completeness',
      severity: 'error',
      description: null,
      unit: 'rows',
      arguments: {},
      threshold: { operator: 'mustBe', value: 0 },
      pointer: '/schema/0/properties/1/quality/0',
    },
  ],
};

describe('startQualitySchedule', () => {
  it('runs the rules and the probe on their intervals, records them and calls the listeners', async () => {
    const store = memoryQualityStore({ historyLimit: 10 });
    const schedule = startQualitySchedule({
      targets: [{ descriptor, db }],
      store,
      config: { intervalMs: 50, freshnessIntervalMs: 50, statementTimeoutMs: 1_000 },
      logger: createLogger('silent'),
      firstRunDelayMs: 10,
    });
    const seen: (readonly QualityResult[])[] = [];
    schedule.onResults((results) => void seen.push(results));
    schedule.onResults(() => {
      throw new Error('a failing listener does not stop the others or the schedule');
    });
    await vi.waitFor(() => expect(seen.length).toBeGreaterThanOrEqual(2), { timeout: 5_000, interval: 20 });
    await schedule.stop();
    const runs = seen.length;
    expect(seen[0]!.map((r) => [r.product, r.ruleId, r.measured, r.passed])).toEqual([
      ['items', 'items-named', 0, true],
    ]);
    expect((await store.history('items', 'items-named', 100)).length).toBe(runs);
    const [freshness] = await store.latestFreshness('items');
    expect(freshness).toMatchObject({ element: 'items.updated_at', maxLagSeconds: 60 });
    expect(freshness!.lagSeconds).toBeGreaterThanOrEqual(10);
    expect(freshness!.lagSeconds).toBeLessThan(60);

    // Stopped: no further run, and a run now still works (the CLI's path).
    await new Promise((resolve) => setImmediate(resolve));
    expect(seen.length).toBe(runs);
    await db.exec(`INSERT INTO items VALUES (6, NULL, now())`);
    expect((await schedule.runQualityNow()).map((r) => [r.measured, r.passed])).toEqual([[1, false]]);
    expect(seen.length).toBe(runs + 1);
  });
});

describe('quality configuration', () => {
  it('defaults to a 5m quality and a 1m freshness interval, and reads durations', () => {
    expect(loadConfig({}).quality).toMatchObject({
      enabled: true,
      intervalMs: 300_000,
      freshnessIntervalMs: 60_000,
      statementTimeoutMs: 5_000,
      historyLimit: 100,
      prefix: 'meshgate:{quality}:',
    });
    expect(
      loadConfig({ MESHGATE_QUALITY_INTERVAL: '30s', MESHGATE_FRESHNESS_INTERVAL: '2h' }).quality,
    ).toMatchObject({
      intervalMs: 30_000,
      freshnessIntervalMs: 7_200_000,
    });
  });

  it('refuses a bad duration with CONFIG_INVALID naming the variable', () => {
    expect(() => loadConfig({ MESHGATE_QUALITY_INTERVAL: 'soon' })).toThrow(
      'MESHGATE_QUALITY_INTERVAL="soon": must be a duration from 1s to 24h, such as 30s, 5m or 1h',
    );
  });
});

import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { redisStore } from '../../gateway/lineage/redis-store.js';
import type { LineageEvent } from '../../gateway/lineage/types.js';
import { serialize } from '../../gateway/lineage/wire.js';
import { fileUsage } from './file-usage.js';
import { lineageUsage } from './lineage-usage.js';
import { redisServer } from '../../gateway/redis/redis-config.js';

const DAY = 86_400_000;
const NOW = Date.parse('2030-01-31T00:00:00Z');
const tmp = mkdtempSync(join(tmpdir(), 'meshgate-usage-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function event(
  principal: string,
  client: string | null,
  daysAgo: number,
  coordinates: string[],
  effect: 'allow' | 'deny' = 'allow',
): LineageEvent {
  return {
    id: randomUUID(),
    time: new Date(NOW - daysAgo * DAY).toISOString(),
    requestId: randomUUID(),
    principal: { sub: principal, anonymous: false, roles: [] },
    client: { name: client, version: null },
    operation: { name: null, type: 'query', hash: null },
    fields: coordinates.map((coordinate) => ({
      path: coordinate,
      coordinate,
      product: 'customers',
      type: 'String',
      decision: effect === 'deny' ? { effect, rule: 'r' } : { effect, rule: null },
    })),
    products: ['customers'],
    fetches: [],
    outcome: 'ok',
    errorCodes: [],
    durationMs: 1,
  };
}

const EVENTS = [
  event('analyst-1', 'bi', 1, ['Customer.email', 'Customer.id']),
  event('analyst-1', 'bi', 3, ['Customer.email']),
  event('analyst-1', null, 2, ['Customer.phone'], 'deny'), // denied still counts: the query names the field
  event('support-2', 'desk', 40, ['Customer.email']), // outside a 30-day window
  event('support-2', 'desk', 1, ['Customer.country']),
];

const EXPECTED = [
  {
    principal: 'analyst-1',
    client: 'bi',
    count: 2,
    lastSeen: new Date(NOW - DAY).toISOString(),
    coordinates: ['Customer.email'],
  },
  {
    principal: 'analyst-1',
    client: null,
    count: 1,
    lastSeen: new Date(NOW - 2 * DAY).toISOString(),
    coordinates: ['Customer.phone'],
  },
];

describe('usage sources', () => {
  it('reads meshgate lineage events (NDJSON) from a file, per principal and client within the window', async () => {
    const path = join(tmp, 'events.ndjson');
    writeFileSync(path, EVENTS.map((e) => JSON.stringify(e)).join('\n'));
    const usage = fileUsage(path);
    expect(await usage.consumers(['Customer.email', 'Customer.phone'], NOW - 30 * DAY)).toEqual(EXPECTED);
    expect(await usage.consumers(['Customer.birthDate'], NOW - 30 * DAY)).toEqual([]);
  });

  it('refuses a file that holds something else, naming the record', () => {
    const path = join(tmp, 'bad.json');
    writeFileSync(path, JSON.stringify([EVENTS[0], { hello: 'world' }]));
    expect(() => fileUsage(path)).toThrow(
      /record 2 is neither a meshgate lineage event nor an OpenLineage RunEvent/,
    );
  });

  it('asks the Redis lineage store by field', async () => {
    const prefix = `meshgate:test:check-usage:${randomUUID()}:`;
    const store = await redisStore({
      connection: redisServer('redis://127.0.0.1:6379'),
      prefix,
      connect: true,
      maxAgeMs: 365 * 10 * DAY,
    });
    try {
      const written = await store.write(EVENTS.map(serialize));
      expect(written.stored).toBe(EVENTS.length);
      const usage = lineageUsage(store, 'redis');
      expect(await usage.consumers(['Customer.email', 'Customer.phone'], NOW - 30 * DAY)).toEqual(EXPECTED);
    } finally {
      const keys = await store.redis.keys(`${prefix}*`);
      if (keys.length) await store.redis.del(...keys);
      await store.close();
    }
  });
});

import { Redis } from 'ioredis';
import { afterAll, describe, expect, it, vi } from 'vitest';
import type { Principal } from '../common/types.js';
import { deleteKeys } from '../../bench/lineage-bench.js';
import { sampleEvent } from '../../test/support/lineage-event.js';
import { redisStore } from './redis-store.js';
import type { FieldRead, LineageEvent } from './types.js';
import { serialize } from './wire.js';
import { redisServer } from '../redis/redis-config.js';

const REDIS = 'redis://127.0.0.1:6379';
const PREFIX = `meshgate-test:redis-store:${process.pid}:`;
afterAll(() => deleteKeys(REDIS, PREFIX));

const who = (sub: string): Principal => ({
  sub,
  anonymous: false,
  roles: [],
  scopes: [],
  teams: [],
  attributes: {},
});
const read = (coordinate: string, product: string): FieldRead => ({
  path: coordinate.toLowerCase(),
  coordinate,
  product,
  type: 'String',
});
const EMAIL = [read('Customer.email', 'customers')];
const ORDER = [read('Order.status', 'orders'), read('Customer.name', 'customers')];

function event(sub: string, reads: readonly FieldRead[], time: number): LineageEvent {
  const built = sampleEvent({ requestId: `${sub}-${time}`, principal: who(sub), reads });
  return { ...built, time: new Date(time).toISOString() };
}

describe('the Redis lineage store', () => {
  it('filters by principal, product and field through the shapes, newest first within the limit', async () => {
    const prefix = `${PREFIX}filters:`;
    const store = await redisStore({ connection: redisServer(REDIS), prefix, connect: true });
    const t = Date.now() - 60_000;
    const events = [
      event('ana', EMAIL, t + 1),
      event('ana', ORDER, t + 2),
      event('bob', EMAIL, t + 3),
      event('bob', ORDER, t + 4),
      event('ana', EMAIL, t + 5),
    ];
    try {
      expect(await store.write(events.map(serialize))).toEqual({ stored: 5, duplicates: 0 });
      expect(await store.write(events.map(serialize))).toEqual({ stored: 0, duplicates: 5 });
      // Two shapes for five events: each is stored once, with the sets that lead to it.
      const redis = store.redis;
      expect(await redis.hlen(`${prefix}shapes`)).toBe(2);
      expect(await redis.scard(`${prefix}shapes:product:customers`)).toBe(2);
      expect(await redis.scard(`${prefix}shapes:field:Order.status`)).toBe(1);

      const ids = async (filter: Partial<Parameters<typeof store.query>[0]>) =>
        (await store.query({ since: t, limit: 100, ...filter })).map((e) => e.requestId);
      expect(await ids({ field: 'Customer.email' })).toEqual([
        `ana-${t + 1}`,
        `bob-${t + 3}`,
        `ana-${t + 5}`,
      ]);
      expect(await ids({ product: 'orders' })).toEqual([`ana-${t + 2}`, `bob-${t + 4}`]);
      expect(await ids({ product: 'customers' })).toHaveLength(5);
      expect(await ids({ principal: 'ana', product: 'customers' })).toEqual([
        `ana-${t + 1}`,
        `ana-${t + 2}`,
        `ana-${t + 5}`,
      ]);
      expect(await ids({ principal: 'bob', field: 'Customer.email' })).toEqual([`bob-${t + 3}`]);
      expect(await ids({ product: 'customers', limit: 2 })).toEqual([`bob-${t + 4}`, `ana-${t + 5}`]);
      expect(await ids({ product: 'customers', since: t + 3, until: t + 4 })).toEqual([
        `bob-${t + 3}`,
        `bob-${t + 4}`,
      ]);
      expect(await ids({ field: 'Nope.nothing' })).toEqual([]);
      // Read back whole: fields and products come from the shape.
      const [first] = await store.query({ since: t, limit: 1, principal: 'bob', product: 'orders' });
      expect(first).toEqual(events[3]);
    } finally {
      await store.close();
    }
  });

  it('still reads events and indexes written before shapes existed', async () => {
    const prefix = `${PREFIX}legacy:`;
    const store = await redisStore({ connection: redisServer(REDIS), prefix, connect: true });
    const t = Date.now() - 60_000;
    const old = event('old', EMAIL, t);
    try {
      const sid = await store.redis.xadd(`${prefix}events`, '*', 'id', old.id, 'e', JSON.stringify(old));
      await store.redis.zadd(`${prefix}idx:field:Customer.email`, t, sid!);
      await store.redis.zadd(`${prefix}idx:product:customers`, t, sid!);
      await store.write([serialize(event('new', EMAIL, t + 1))]);
      const subs = async (filter: object) =>
        (await store.query({ since: t, limit: 10, ...filter })).map((e) => e.principal.sub);
      expect(await subs({ field: 'Customer.email' })).toEqual(['old', 'new']);
      expect(await subs({ product: 'customers' })).toEqual(['old', 'new']);
      expect(await subs({})).toEqual(['old', 'new']);
      expect((await store.query({ since: t, limit: 10, principal: 'old' })).length).toBe(0); // never indexed
    } finally {
      await store.close();
    }
  });

  it('retention drops a shape no kept event uses, with its index and its sets', async () => {
    const prefix = `${PREFIX}retention:`;
    const store = await redisStore({ connection: redisServer(REDIS), prefix, connect: true, maxAgeMs: 200 });
    const redis = new Redis(REDIS);
    try {
      // The first write 300 ms in the past (the clock set back, not waited for): past retention
      // when the second one, now, trims.
      vi.useFakeTimers({ toFake: ['Date'], now: Date.now() - 300 });
      const before = serialize(event('ana', EMAIL, Date.now()));
      await store.write([before]);
      vi.useRealTimers();
      expect(await redis.hexists(`${prefix}shapes`, before.shape.id)).toBe(1);
      await store.write([serialize(event('bob', ORDER, Date.now()))]);
      expect(await redis.hexists(`${prefix}shapes`, before.shape.id)).toBe(0);
      expect(await redis.sismember(`${prefix}shapes:field:Customer.email`, before.shape.id)).toBe(0);
      expect(await redis.exists(`${prefix}idx:shape:${before.shape.id}`)).toBe(0);
      expect(await redis.hlen(`${prefix}shapes`)).toBe(1);
      // An entry approximate trimming kept reads back as gone, not as a broken event.
      const all = await store.query({ since: 0, limit: 10 });
      expect(all.map((e) => e.principal.sub)).toEqual(['bob']);
    } finally {
      vi.useRealTimers();
      redis.disconnect();
      await store.close();
    }
  });
});

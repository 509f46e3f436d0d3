import { randomUUID } from 'node:crypto';
import type { GatewayGraphQLResponse } from '@apollo/server-gateway-interface';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { cachedFetch, type CacheableFetch } from './cached-fetch.js';
import { createEntityCache } from './entity-cache.js';

const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const clients: Redis[] = [];
const redis = () => {
  const client = new Redis(REDIS_URL, { maxRetriesPerRequest: 1 });
  clients.push(client);
  return client;
};
afterAll(() => clients.forEach((c) => c.disconnect()));

const fetch = (ids: string[]): CacheableFetch => ({
  subgraph: 'customers',
  query:
    'query Q__customers__1($representations:[_Any!]!){_entities(representations:$representations){...on Customer{name}}}',
  variables: { representations: ids.map((id) => ({ __typename: 'Customer', id })) },
  fingerprint: 'steward',
});

function subgraph() {
  const asked: string[][] = [];
  const send = async (
    variables: Readonly<Record<string, unknown>> | undefined,
  ): Promise<GatewayGraphQLResponse> => {
    const ids = (variables?.representations as { id: string }[]).map((r) => r.id);
    asked.push(ids);
    return { data: { _entities: ids.map((id) => ({ name: `customer ${id}` })) } };
  };
  return { asked, send };
}

function replica(prefix: string, clock: { now: number }, ttlMs = 60_000) {
  const cache = createEntityCache({
    config: { maxBytes: 1_000_000, prefix },
    freshness: () => ({ ttlMs, version: '1.0.0' }),
    l2: redis(),
    pubsub: { publisher: redis(), subscriber: redis() },
    now: () => clock.now,
  });
  cache.schemaChanged('type Query { a: Int }');
  return cache;
}

describe('the L2 cache in Redis', () => {
  it('serves one replica what another fetched, with its original age, under one hash tag per subgraph', async () => {
    const prefix = `meshgate:test:${randomUUID()}:`;
    const clock = { now: Date.now() };
    const a = replica(prefix, clock, 5_000);
    const b = replica(prefix, clock, 5_000);
    const { asked, send } = subgraph();
    await cachedFetch(a, fetch(['1', '2']), send);
    const keys = await vi.waitFor(
      async () => {
        const found = await redis().keys(`${prefix}*`);
        expect(found).toHaveLength(2);
        return found;
      },
      { timeout: 2_000 },
    );
    expect(keys.every((k) => k.startsWith(`${prefix}{customers}:`))).toBe(true);
    // PX: Redis expires the entry at its TTL too.
    expect(await redis().pttl(keys[0]!)).toBeGreaterThan(4_000);

    const hit = await cachedFetch(b, fetch(['2', '1', '3']), send);
    expect(hit.cacheHits).toBe(2);
    expect(asked).toEqual([['1', '2'], ['3']]);
    expect(b.stats().subgraphs.customers).toMatchObject({ hits: 2, l2Hits: 2, misses: 1 });
    // b holds what it promoted with a's fetch time: past the TTL it is stale there as well.
    clock.now += 5_000;
    expect((await cachedFetch(b, fetch(['1']), send)).cacheHits).toBe(0);
    expect(b.stats().subgraphs.customers?.stale).toBeGreaterThanOrEqual(1);
    await Promise.all([a.close(), b.close()]);
  });

  it("invalidation reaches every replica's L1 over pub/sub and makes L2 entries misses (a new epoch)", async () => {
    const prefix = `meshgate:test:${randomUUID()}:`;
    const clock = { now: Date.now() };
    const a = replica(prefix, clock);
    const b = replica(prefix, clock);
    const { asked, send } = subgraph();
    // Both replicas subscribed before the message goes out.
    await vi.waitFor(async () =>
      expect(await redis().pubsub('NUMSUB', `${prefix}invalidate`)).toEqual([`${prefix}invalidate`, 2]),
    );
    await cachedFetch(a, fetch(['7']), send);
    await vi.waitFor(async () =>
      expect(await cachedFetch(b, fetch(['7']), send)).toMatchObject({ cacheHits: 1 }),
    );
    expect(b.stats().subgraphs.customers?.entries).toBe(1);

    const { replicas } = await a.invalidate({ product: 'customers', type: 'Customer', key: '7' });
    expect(replicas).toBe(2);
    await vi.waitFor(() => expect(b.stats().subgraphs.customers?.entries).toBe(0));
    expect(await redis().get(`${prefix}{customers}:epoch`)).toBe('1');
    const before = asked.length;
    expect((await cachedFetch(b, fetch(['7']), send)).cacheHits).toBe(0);
    expect(asked).toHaveLength(before + 1);
    await Promise.all([a.close(), b.close()]);
  });

  it('degrades to L1 only while Redis is down: no request fails for the cache', async () => {
    const down = new Redis({
      host: '127.0.0.1',
      port: 1,
      enableOfflineQueue: false,
      retryStrategy: () => null,
      lazyConnect: true,
    });
    down.on('error', () => undefined);
    clients.push(down);
    const cache = createEntityCache({
      config: { maxBytes: 1_000_000, prefix: 'meshgate:test:down:' },
      freshness: () => ({ ttlMs: 60_000, version: '1.0.0' }),
      l2: down,
    });
    cache.schemaChanged('type Query { a: Int }');
    const { asked, send } = subgraph();
    expect((await cachedFetch(cache, fetch(['1']), send)).cacheHits).toBe(0);
    const again = await cachedFetch(cache, fetch(['1']), send);
    expect(again.cacheHits).toBe(1);
    expect(again.response.data).toEqual({ _entities: [{ name: 'customer 1' }] });
    expect(asked).toEqual([['1']]);
    expect(cache.stats().subgraphs.customers?.l2Errors).toBeGreaterThanOrEqual(1);
  });
});

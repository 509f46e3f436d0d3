import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import type { SubgraphFetch } from '../common/types.js';
import { addFetch, emptyCounts } from './latency-histogram.js';
import { redisSliStore } from './redis-sli-store.js';
import { sliRecorder } from './sli-recorder.js';
import { bucketStart, TIERS } from './sli-tiers.js';

const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const PREFIX = `meshgate:test:sli:${process.pid}:${Date.now()}:`;
const clients: Redis[] = [];
const client = () => {
  const redis = new Redis(REDIS_URL);
  clients.push(redis);
  return redis;
};

afterAll(async () => {
  const redis = client();
  const keys = await redis.keys(`${PREFIX}*`);
  if (keys.length) await redis.del(...keys);
  for (const c of clients) c.disconnect();
});

const fetches = (subgraph: string, count: number, ok = true, durationMs = 40): SubgraphFetch[] =>
  Array.from({ length: count }, () => ({ subgraph, durationMs, entityCount: 0, ok }));

describe('the Redis SLI store', () => {
  it('adds a batch once: the same id again is a duplicate, not a second count', async () => {
    const redis = client();
    const store = redisSliStore(redis, `${PREFIX}once:`);
    const counts = emptyCounts();
    for (let i = 0; i < 7; i++) addFetch(counts, 3, i !== 0);
    const batch = {
      id: 'replica-a:1',
      product: 'orders',
      deltas: [{ tier: '10s' as const, start: 1_000_000_000_000, counts }],
    };
    expect(await store.add(batch)).toBe('applied');
    expect(await store.add(batch)).toBe('duplicate');
    const [bucket] = await store.read('orders', '10s', 1_000_000_000_000, 1_000_000_000_000);
    expect(bucket!.counts).toMatchObject({ ok: 6, errors: 1, durationMicros: 21_000 });
    // One hash per product × tier × bucket, under the product's hash tag, expiring past the tier's retention.
    const key = `${PREFIX}once:{orders}:10s:1000000000000`;
    expect(await redis.hgetall(key)).toEqual({ ok: '6', err: '1', us: '21000', b2: '7' });
    expect(await redis.pttl(key)).toBeGreaterThan(TIERS['10s'].retentionMs - 60_000);
  });

  it('two replicas add to one number', async () => {
    const prefix = `${PREFIX}replicas:`;
    const a = sliRecorder({ store: redisSliStore(client(), prefix), flushIntervalMs: 60_000 });
    const b = sliRecorder({ store: redisSliStore(client(), prefix), flushIntervalMs: 60_000 });
    a.record([...fetches('orders', 250), ...fetches('payments', 3, false)]);
    b.record([...fetches('orders', 740), ...fetches('orders', 10, false, 900)]);
    await Promise.all([a.flush(), b.flush()]);
    const now = Date.now();
    const reader = redisSliStore(client(), prefix);
    const sum = async (product: string, tier: '10s' | '5m' | '1h') => {
      const from = bucketStart(now, TIERS[tier]) - TIERS[tier].sizeMs;
      const buckets = await reader.read(product, tier, from, bucketStart(now, TIERS[tier]));
      return buckets.reduce((n, x) => ({ ok: n.ok + x.counts.ok, errors: n.errors + x.counts.errors }), {
        ok: 0,
        errors: 0,
      });
    };
    for (const tier of ['10s', '5m', '1h'] as const) {
      expect(await sum('orders', tier)).toEqual({ ok: 990, errors: 10 });
      expect(await sum('payments', tier)).toEqual({ ok: 0, errors: 3 });
    }
    expect([a.stats.stored, b.stats.stored]).toEqual([253, 750]);
    // Either replica reads the shared number.
    const { buckets, source } = await a.read(
      'orders',
      '1h',
      bucketStart(now, TIERS['1h']),
      bucketStart(now, TIERS['1h']),
    );
    expect(source).toBe('shared');
    expect(buckets[0]!.counts.ok).toBe(990);
    await Promise.all([a.close(), b.close()]);
  });
});

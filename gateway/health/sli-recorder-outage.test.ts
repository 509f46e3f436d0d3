import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { PrivateRedis } from '../../test/support/redis-server.js';
import type { SubgraphFetch } from '../common/types.js';
import { FAIL_FAST, openRedis } from '../redis/redis-connection.js';
import { redisSliStore } from './redis-sli-store.js';
import { sliRecorder } from './sli-recorder.js';
import { bucketStart, TIERS } from './sli-tiers.js';

/** Starts a private redis-server: run under the server lock (flock /tmp/meshgate-servers.lock). */
let server: PrivateRedis;
beforeAll(async () => {
  server = await PrivateRedis.start();
});
afterAll(async () => {
  await server.stop();
});

const fetches = (count: number): SubgraphFetch[] =>
  Array.from({ length: count }, (_, i) => ({
    subgraph: 'orders',
    durationMs: 5 + (i % 50),
    entityCount: 0,
    ok: i % 100 !== 0,
  }));

async function storedIn(url: string, prefix: string): Promise<{ ok: number; errors: number }> {
  const redis = new Redis(url);
  try {
    const now = Date.now();
    const tier = TIERS['1h'];
    const store = redisSliStore(redis, prefix);
    const buckets = await store.read(
      'orders',
      '1h',
      bucketStart(now, tier) - tier.sizeMs,
      bucketStart(now, tier),
    );
    return buckets.reduce((n, b) => ({ ok: n.ok + b.counts.ok, errors: n.errors + b.counts.errors }), {
      ok: 0,
      errors: 0,
    });
  } finally {
    redis.disconnect();
  }
}

describe('SLIs while Redis is down', () => {
  it('a hung Redis: 1000 fetches across the outage, exactly 1000 stored (timed-out writes that landed are not counted twice)', async () => {
    const prefix = 'meshgate:sli:hung:';
    const redis = openRedis(
      {
        kind: 'server',
        url: server.url,
        tls: false,
        username: undefined,
        password: undefined,
        describe: server.url,
      },
      FAIL_FAST,
    );
    redis.on('error', () => undefined);
    await new Promise((resolve) => redis.once('ready', resolve));
    const down = vi.fn();
    const up = vi.fn();
    const recorder = sliRecorder({
      store: redisSliStore(redis, prefix),
      flushIntervalMs: 60_000,
      onStoreDown: down,
      onStoreUp: up,
    });
    recorder.record(fetches(300));
    await recorder.flush();
    expect(recorder.stats).toEqual({ recorded: 300, stored: 300, degraded: false });

    // SIGSTOP: the writes reach the socket, time out unanswered, and land when Redis resumes.
    server.pause();
    recorder.record(fetches(200));
    await recorder.flush();
    recorder.record(fetches(200));
    await recorder.flush();
    expect(recorder.stats).toEqual({ recorded: 700, stored: 300, degraded: true });
    expect(down).toHaveBeenCalledTimes(1);
    // Meanwhile readers get this replica's own numbers, and are told so.
    const now = Date.now();
    const local = await recorder.read(
      'orders',
      '1h',
      bucketStart(now, TIERS['1h']),
      bucketStart(now, TIERS['1h']),
    );
    expect(local.source).toBe('replica');
    expect(local.buckets[0]!.counts.ok + local.buckets[0]!.counts.errors).toBe(700);

    server.resume();
    recorder.record(fetches(300));
    await vi.waitFor(
      async () => {
        await recorder.flush();
        expect(recorder.stats.degraded).toBe(false);
      },
      { timeout: 10_000, interval: 200 },
    );
    expect(recorder.stats).toEqual({ recorded: 1000, stored: 1000, degraded: false });
    expect(up).toHaveBeenCalledTimes(1);
    expect(await storedIn(server.url, prefix)).toEqual({ ok: 990, errors: 10 });
    await recorder.close();
    redis.disconnect();
  });

  it('a stopped Redis: deltas wait in memory and go in one batch when it is back', async () => {
    const prefix = 'meshgate:sli:stopped:';
    const redis = openRedis(
      {
        kind: 'server',
        url: server.url,
        tls: false,
        username: undefined,
        password: undefined,
        describe: server.url,
      },
      FAIL_FAST,
    );
    redis.on('error', () => undefined);
    const recorder = sliRecorder({ store: redisSliStore(redis, prefix), flushIntervalMs: 60_000 });
    await server.stop();
    for (let i = 0; i < 5; i++) {
      recorder.record(fetches(100));
      await recorder.flush();
    }
    expect(recorder.stats).toEqual({ recorded: 500, stored: 0, degraded: true });
    await server.start(); // an empty Redis on the same port
    await vi.waitFor(
      async () => {
        await recorder.flush();
        expect(recorder.stats.degraded).toBe(false);
      },
      { timeout: 10_000, interval: 200 },
    );
    expect(recorder.stats.stored).toBe(500);
    expect(await storedIn(server.url, prefix)).toEqual({ ok: 495, errors: 5 });
    await recorder.close();
    redis.disconnect();
  });
});

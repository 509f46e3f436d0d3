import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setImmediate as nextTurn, setTimeout as sleep } from 'node:timers/promises';
import { afterAll, describe, expect, it } from 'vitest';
import { deleteKeys } from '../../bench/lineage-bench.js';
import { LineageRecorder } from './recorder.js';
import { redisStore } from './redis-store.js';
import type { LineageStore } from './types.js';
import { sampleEvent } from '../../test/support/lineage-event.js';

const REDIS = 'redis://127.0.0.1:6379';
const PREFIX = `meshgate-test:recorder:${process.pid}:`;
const dir = mkdtempSync(join(tmpdir(), 'meshgate-recorder-'));
afterAll(async () => {
  rmSync(dir, { recursive: true, force: true });
  await deleteKeys(REDIS, PREFIX);
});

const event = (i: number) => sampleEvent({ requestId: `r${i}` });

/** The real Redis store, with its write calls counted. */
function counted(store: LineageStore): LineageStore & { writes: number[] } {
  const writes: number[] = [];
  return {
    ...store,
    writes,
    write: (batch) => (writes.push(batch.length), store.write(batch)),
  };
}

describe('the lineage recorder', () => {
  it('appends the events of one spool interval in one write, sends those of one flush interval in one round trip, and keeps the spool until it is large', async () => {
    const store = counted(await redisStore({ url: REDIS, prefix: `${PREFIX}interval:`, connect: true }));
    const spoolPath = join(dir, 'interval.ndjson');
    const recorder = new LineageRecorder({ store, spoolPath, flushIntervalMs: 400, spoolIntervalMs: 100 });
    try {
      recorder.record(event(0)); // the first append and write go at once
      await until(() => recorder.stats.stored === 1);
      const appended = statSync(spoolPath).size;
      for (let i = 1; i <= 5; i++) {
        recorder.record(event(i)); // one event per event-loop turn, as under load
        await nextTurn();
      }
      // Inside the spool interval: queued, not yet appended.
      expect(recorder.stats).toMatchObject({ queued: 5, spooled: 1, stored: 1 });
      expect(statSync(spoolPath).size).toBe(appended);
      await until(() => recorder.stats.spooled === 6); // the five in one append
      expect(recorder.stats).toMatchObject({ queued: 0, stored: 1 }); // sent at the flush interval
      await until(() => recorder.stats.stored === 6);
      expect(store.writes).toEqual([1, 5]);
      // Stored, but the spool is emptied only past 1 MiB or on flush: no ftruncate per write.
      expect(statSync(spoolPath).size).toBeGreaterThan(0);
      await recorder.flush();
      expect(statSync(spoolPath).size).toBe(0);
    } finally {
      await recorder.close();
    }
  });

  it('a spool of stored events left by a killed process is replayed as duplicates, nothing twice', async () => {
    const prefix = `${PREFIX}leftover:`;
    const spoolPath = join(dir, 'leftover.ndjson');
    const first = new LineageRecorder({
      store: await redisStore({ url: REDIS, prefix, connect: true }),
      spoolPath,
    });
    for (let i = 0; i < 3; i++) first.record(event(i));
    await until(() => first.stats.stored === 3);
    const left = statSync(spoolPath).size;
    expect(left).toBeGreaterThan(0); // as a SIGKILL would leave it (close is not called)

    const store = await redisStore({ url: REDIS, prefix, connect: true });
    const second = new LineageRecorder({ store, spoolPath });
    try {
      second.record(event(3));
      await second.flush();
      expect(second.stats).toMatchObject({ stored: 1, duplicates: 3, corrupt: 0 });
      expect(await store.redis.xlen(`${prefix}events`)).toBe(4);
      expect(statSync(spoolPath).size).toBe(0);
    } finally {
      await second.close();
      await first.close();
    }
  });
});

async function until(condition: () => boolean, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('timed out waiting for the recorder');
    await sleep(5);
  }
}

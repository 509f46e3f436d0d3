import { copyFileSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { afterAll, afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { deleteKeys } from '../../bench/lineage-bench.js';
import type { Logger } from '../common/logger.js';
import { memoryStore } from './memory-store.js';
import { LineageRecorder } from './recorder.js';
import { redisStore } from './redis-store.js';
import { Spool } from './spool.js';
import type { SpoolJournal } from './spool-journal.js';
import type { LineageStore, SerializedEvent } from './types.js';
import { sampleEvent } from '../../test/support/lineage-event.js';
import { redisServer } from '../redis/redis-config.js';

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
    const store = counted(
      await redisStore({ connection: redisServer(REDIS), prefix: `${PREFIX}interval:`, connect: true }),
    );
    const spoolPath = join(dir, 'interval.ndjson');
    const recorder = new LineageRecorder({ store, spoolPath, flushIntervalMs: 400, spoolIntervalMs: 100 });
    try {
      recorder.record(event(0)); // the first append and write go at once
      await waitFor(() => recorder.stats.stored === 1);
      const appended = statSync(spoolPath).size;
      for (let i = 1; i <= 5; i++) {
        recorder.record(event(i)); // one event per event-loop turn, as under load
        await nextTurn();
      }
      // Inside the spool interval: queued, not yet appended.
      expect(recorder.stats).toMatchObject({ queued: 5, spooled: 1, stored: 1 });
      expect(statSync(spoolPath).size).toBe(appended);
      await waitFor(() => recorder.stats.spooled === 6); // the five in one append
      expect(recorder.stats).toMatchObject({ queued: 0, stored: 1 }); // sent at the flush interval
      await waitFor(() => recorder.stats.stored === 6);
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
      store: await redisStore({ connection: redisServer(REDIS), prefix, connect: true }),
      spoolPath,
    });
    for (let i = 0; i < 3; i++) first.record(event(i));
    await waitFor(() => first.stats.stored === 3);
    const left = statSync(spoolPath).size;
    expect(left).toBeGreaterThan(0); // as a SIGKILL would leave it (close is not called)

    const store = await redisStore({ connection: redisServer(REDIS), prefix, connect: true });
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

/** An in-memory store of our interface, durable (so the recorder spools): fails while `down`. */
interface FakeStore extends LineageStore {
  down: boolean;
  /** While set, writes wait for it before they store or fail (a write in flight). */
  gate: Promise<void> | null;
  /** Request ids of the events stored, in order, and of each write's batch. */
  readonly stored: string[];
  readonly batches: string[][];
  /** Events sent to the store that the spool did not hold yet: must stay empty. */
  readonly unjournalled: string[];
}

function fakeStore(spoolPath: string): FakeStore {
  const ids = new Set<string>();
  const store: FakeStore = {
    kind: 'redis',
    durable: true,
    down: false,
    gate: null,
    stored: [],
    batches: [],
    unjournalled: [],
    async write(batch: readonly SerializedEvent[]) {
      const journalled = readFileSync(spoolPath, 'utf8');
      for (const { event } of batch)
        if (!journalled.includes(event.id)) store.unjournalled.push(event.requestId);
      store.batches.push(batch.map((s) => s.event.requestId));
      if (store.gate) await store.gate;
      if (store.down) throw new Error('store down');
      let stored = 0;
      for (const { event } of batch) {
        if (ids.has(event.id)) continue;
        ids.add(event.id);
        store.stored.push(event.requestId);
        stored++;
      }
      return { stored, duplicates: batch.length - stored };
    },
    query: () => Promise.resolve([]),
    close: () => Promise.resolve(),
  };
  return store;
}

/** A promise and what resolves it. */
function gate() {
  let open = () => undefined as void;
  const promise = new Promise<void>((resolve) => (open = resolve));
  return { promise, open };
}

function logs() {
  const lines: string[] = [];
  const at = (level: string) => (_obj: object, msg: string) => void lines.push(`${level} ${msg}`);
  return { lines, logger: { warn: at('warn'), info: at('info'), error: at('error') } as unknown as Logger };
}

/** The recorder's spool journal, to look at what it keeps in memory. */
const journalOf = (recorder: LineageRecorder) => (recorder as unknown as { journal: SpoolJournal }).journal;

/** Runs what is due now: the writer's setImmediate, promise callbacks. */
const settle = () => vi.advanceTimersByTimeAsync(0);

describe('the lineage recorder, over a fake store and fake timers', () => {
  let files = 0;
  const spoolFile = () => join(dir, `fake-${files++}.ndjson`);
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
    vi.restoreAllMocks();
  });

  it('a strict waiter resolves once its event is fsynced in the spool while the store fails, and not before', async () => {
    const spoolPath = spoolFile();
    const store = fakeStore(spoolPath);
    const recorder = new LineageRecorder({ store, spoolPath });
    const sync = vi.spyOn(Spool.prototype, 'sync');
    const write = gate();
    store.gate = write.promise;
    const first = { resolved: false, syncs: 0 };
    void recorder
      .recordConfirmed(event(1))
      .then(() => Object.assign(first, { resolved: true, syncs: sync.mock.calls.length }));
    await settle();
    // Journalled and sent, the store has not answered: not durable yet.
    expect(recorder.stats).toMatchObject({ spooled: 1, stored: 0 });
    expect(store.batches).toEqual([['r1']]);
    expect(first.resolved).toBe(false);
    expect(sync).not.toHaveBeenCalled();

    store.down = true;
    write.open();
    await settle();
    expect(first).toEqual({ resolved: true, syncs: 1 }); // fsynced, then resolved
    expect(recorder.stats).toMatchObject({ stored: 0, degraded: true });

    // Inside the backoff: no store attempt, the spool is fsynced and the waiter resolves.
    store.gate = null;
    const second = { resolved: false };
    void recorder.recordConfirmed(event(2)).then(() => (second.resolved = true));
    await settle();
    expect(second.resolved).toBe(true);
    expect(sync).toHaveBeenCalledTimes(2);
    expect(store.batches).toHaveLength(1);
    expect(recorder.stats).toMatchObject({ spooled: 2, stored: 0 });

    store.down = false;
    await recorder.close();
    expect(store.stored).toEqual(['r1', 'r2']);
    expect(store.unjournalled).toEqual([]);
  });

  it('a strict waiter resolves once its event is stored, while the store works', async () => {
    const spoolPath = spoolFile();
    const store = fakeStore(spoolPath);
    const recorder = new LineageRecorder({
      store,
      spoolPath,
      flushIntervalMs: 10_000,
      spoolIntervalMs: 10_000,
    });
    const sync = vi.spyOn(Spool.prototype, 'sync');
    recorder.record(event(1)); // nothing written yet: the first append and write go at once
    await settle();
    const waiter = { resolved: false };
    void recorder.recordConfirmed(event(2)).then(() => (waiter.resolved = true));
    await settle(); // inside both intervals, and yet at once
    expect(waiter.resolved).toBe(true);
    expect(store.stored).toEqual(['r1', 'r2']);
    expect(sync).not.toHaveBeenCalled(); // stored: no fsync needed
    await recorder.close();
  });

  it('persistNow appends the queue to the spool and fsyncs it; the next start replays it with what was in flight', async () => {
    const spoolPath = spoolFile();
    const store = fakeStore(spoolPath);
    const recorder = new LineageRecorder({ store, spoolPath });
    const write = gate();
    store.gate = write.promise;
    recorder.record(event(1));
    await settle(); // r1 journalled, its write in flight
    recorder.record(event(2));
    recorder.record(event(3));
    expect(recorder.stats).toMatchObject({ queued: 2, spooled: 1 });
    const sync = vi.spyOn(Spool.prototype, 'sync');

    recorder.persistNow(); // the process exits here
    expect(recorder.stats).toMatchObject({ queued: 0, spooled: 3 });
    expect(sync).toHaveBeenCalledTimes(1);

    const left = spoolFile();
    copyFileSync(spoolPath, left);
    const replayed = fakeStore(left);
    const next = new LineageRecorder({ store: replayed, spoolPath: left });
    await next.flush();
    expect(replayed.stored).toEqual(['r1', 'r2', 'r3']);
    await next.close();

    write.open();
    await recorder.close();
  });

  it('persistNow does nothing without a spool or once closed', async () => {
    const sync = vi.spyOn(Spool.prototype, 'sync');
    const inMemory = new LineageRecorder({ store: memoryStore() });
    inMemory.record(event(1));
    inMemory.persistNow();
    expect(inMemory.stats).toMatchObject({ queued: 1, spooled: 0 });
    await inMemory.close();

    const spoolPath = spoolFile();
    const recorder = new LineageRecorder({ store: fakeStore(spoolPath), spoolPath });
    await recorder.close();
    sync.mockClear();
    recorder.persistNow();
    expect(sync).not.toHaveBeenCalled();
  });

  it('a full queue is appended to the spool by record itself, before the writer runs', async () => {
    const spoolPath = spoolFile();
    const store = fakeStore(spoolPath);
    const recorder = new LineageRecorder({ store, spoolPath, queueSize: 2 });
    for (let i = 1; i <= 3; i++) recorder.record(event(i));
    expect(recorder.stats).toMatchObject({ recorded: 3, queued: 1, spooled: 2, stored: 0 });
    const lines = readFileSync(spoolPath, 'utf8').split('\n').filter(Boolean);
    expect(lines.filter((l) => l.includes('"requestId"'))).toHaveLength(2);
    await settle();
    expect(store.batches).toEqual([['r1', 'r2', 'r3']]); // one write, from memory
    await recorder.close();
  });

  it('while the store fails, events are journalled but not kept in memory, and replayed in order once it is back', async () => {
    const spoolPath = spoolFile();
    const store = fakeStore(spoolPath);
    const { lines, logger } = logs();
    const recorder = new LineageRecorder({ store, spoolPath, retryMinMs: 100, retryMaxMs: 400, logger });
    store.down = true;
    recorder.record(event(1));
    await settle(); // attempt 1 fails: retry in 100 ms
    expect(recorder.stats).toMatchObject({ degraded: true, spooled: 1, stored: 0 });
    for (let i = 2; i <= 4; i++) recorder.record(event(i));
    await vi.advanceTimersByTimeAsync(10); // appended at the end of the spool interval
    expect(recorder.stats).toMatchObject({ queued: 0, spooled: 4 });
    expect(journalOf(recorder).unsentCount).toBe(0); // the outage does not grow the heap
    expect(store.batches).toHaveLength(1); // no attempt inside the backoff

    await vi.advanceTimersByTimeAsync(90); // attempt 2 fails: retry in 200 ms
    expect(store.batches).toHaveLength(2);
    store.down = false;
    await vi.advanceTimersByTimeAsync(199);
    expect(store.batches).toHaveLength(2);
    await vi.advanceTimersByTimeAsync(1);
    expect(store.stored).toEqual(['r1', 'r2', 'r3', 'r4']);
    expect(recorder.stats).toMatchObject({ degraded: false, stored: 4, duplicates: 0, corrupt: 0 });
    expect(store.unjournalled).toEqual([]);
    expect(lines).toEqual([
      'warn lineage: store unavailable, spooling events until it is back',
      'info lineage: store is back, spool replayed',
    ]);
    await recorder.close();
    expect(statSync(spoolPath).size).toBe(0);
  });

  it('an event recorded after close is counted and logged, not queued', async () => {
    const { lines, logger } = logs();
    const recorder = new LineageRecorder({ store: memoryStore(), logger });
    await recorder.close();
    await recorder.recordConfirmed(event(1));
    expect(recorder.stats).toMatchObject({ recorded: 1, queued: 0, stored: 0 });
    expect(lines).toEqual(['error lineage: event recorded after the recorder was closed']);
  });
});

/** Resolves once `condition` holds, polled every few ms (vitest's waitFor); fails past the deadline. */
function waitFor(condition: () => boolean, { timeoutMs = 5_000 } = {}): Promise<void> {
  return vi.waitFor(() => expect(condition(), 'the recorder did not get there in time').toBe(true), {
    timeout: timeoutMs,
    interval: 5,
  });
}

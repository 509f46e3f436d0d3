import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Logger } from '../common/logger.js';
import { sampleEvent } from '../../test/support/lineage-event.js';
import { StoreWriter } from './store-writer.js';
import type { LineageStore, SerializedEvent } from './types.js';
import { serialize } from './wire.js';

/** An in-memory store of our interface that fails while `down`. */
function fakeStore(): LineageStore & { down: boolean; closed: boolean } {
  const ids = new Set<string>();
  const store: ReturnType<typeof fakeStore> = {
    kind: 'redis',
    durable: true,
    down: false,
    closed: false,
    write(batch: readonly SerializedEvent[]) {
      if (store.down) return Promise.reject(new Error('store down'));
      let stored = 0;
      for (const { event } of batch) {
        if (ids.has(event.id)) continue;
        ids.add(event.id);
        stored++;
      }
      return Promise.resolve({ stored, duplicates: batch.length - stored });
    },
    query: () => Promise.resolve([]),
    close() {
      store.closed = true;
      return Promise.resolve();
    },
  };
  return store;
}

function logs() {
  const lines: { level: string; msg: string; obj: object }[] = [];
  const at =
    (level: string) =>
    (obj: object, msg: string): void => {
      lines.push({ level, msg, obj });
    };
  return { lines, logger: { warn: at('warn'), info: at('info'), error: at('error') } as unknown as Logger };
}

const batch = (n: number) =>
  Array.from({ length: n }, (_, i) => serialize(sampleEvent({ requestId: `r${i}` })));

function setup(options: { retryMinMs?: number; retryMaxMs?: number } = {}) {
  const store = fakeStore();
  const { lines, logger } = logs();
  const onRetry = vi.fn();
  const writer = new StoreWriter({
    store,
    retryMinMs: options.retryMinMs ?? 100,
    retryMaxMs: options.retryMaxMs ?? 1_000,
    spoolPath: '/state/spool.ndjson',
    logger,
    onRetry,
  });
  const attempt = (events = batch(1)) => writer.attempt(() => writer.write(events));
  return { store, lines, onRetry, writer, attempt };
}

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe('the store writer', () => {
  it('counts what the store stored and what it already held', async () => {
    const { writer } = setup();
    const events = batch(3);
    await writer.write(events);
    await writer.write(events.slice(1));
    expect(writer.counters).toEqual({ stored: 3, duplicates: 2 });
  });

  it('backs off from retryMinMs, doubling up to retryMaxMs, and resets on success', async () => {
    const { store, writer, attempt } = setup({ retryMinMs: 100, retryMaxMs: 1_000 });
    store.down = true;
    const waits: number[] = [];
    for (let i = 0; i < 6; i++) {
      expect(await attempt()).toBe(false);
      waits.push(writer.backoffMs);
    }
    expect(waits).toEqual([100, 200, 400, 800, 1_000, 1_000]);
    expect(writer.degraded).toBe(true);

    store.down = false;
    expect(await attempt()).toBe(true);
    expect(writer).toMatchObject({ backoffMs: 0, degraded: false, backingOff: false });

    store.down = true;
    await attempt();
    expect(writer.backoffMs).toBe(100); // from the start again
  });

  it('does not try inside the backoff; the retry timer calls onRetry when it is over', async () => {
    const { store, writer, onRetry, attempt } = setup({ retryMinMs: 100 });
    store.down = true;
    await attempt();
    expect(writer.backingOff).toBe(true);
    await vi.advanceTimersByTimeAsync(99);
    expect(writer.backingOff).toBe(true);
    expect(onRetry).not.toHaveBeenCalled();
    await vi.advanceTimersByTimeAsync(1);
    expect(onRetry).toHaveBeenCalledTimes(1);
    expect(writer.backingOff).toBe(false);
    expect(writer.degraded).toBe(true); // until an attempt succeeds
  });

  it('a failure during the backoff replaces the retry timer: one retry, at the new wait', async () => {
    const { store, onRetry, attempt } = setup({ retryMinMs: 100 });
    store.down = true;
    await attempt(); // retry in 100 ms
    await vi.advanceTimersByTimeAsync(50);
    await attempt(); // a flush: retry in 200 ms from now
    await vi.advanceTimersByTimeAsync(199);
    expect(onRetry).not.toHaveBeenCalled();
    await vi.advanceTimersByTimeAsync(1);
    expect(onRetry).toHaveBeenCalledTimes(1);
  });

  it('retryNow ends the backoff at once (flush)', async () => {
    const { store, writer, attempt } = setup();
    store.down = true;
    await attempt();
    writer.retryNow();
    expect(writer.backingOff).toBe(false);
    expect(writer.degraded).toBe(true);
  });

  it('logs the first failure with the spool, and the recovery with the stored count, once each', async () => {
    const { store, lines, attempt } = setup();
    await attempt(); // a success while healthy logs nothing
    store.down = true;
    await attempt();
    await attempt();
    store.down = false;
    await attempt(batch(2));
    await attempt(batch(2));
    expect(lines.map(({ level, msg }) => `${level} ${msg}`)).toEqual([
      'warn lineage: store unavailable, spooling events until it is back',
      'info lineage: store is back, spool replayed',
    ]);
    expect(lines[0]!.obj).toMatchObject({ err: { message: 'store down' }, spool: '/state/spool.ndjson' });
    expect(lines[1]!.obj).toEqual({ stored: 3 }); // all the writer stored, the first one too
  });

  it('close stops the retry timer and closes the store', async () => {
    const { store, writer, onRetry, attempt } = setup();
    store.down = true;
    await attempt();
    await writer.close();
    await vi.advanceTimersByTimeAsync(10_000);
    expect(onRetry).not.toHaveBeenCalled();
    expect(store.closed).toBe(true);
  });
});

import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { sampleEvent } from '../../test/support/lineage-event.js';
import type { LineageEvent } from './types.js';
import { MAX_BATCH, WriteQueue } from './write-queue.js';

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

const event = (i: number) => sampleEvent({ requestId: `r${i}` });

/**
 * A queue whose step does what the recorder's does with a spool, minus the I/O: takes the
 * queue when the spool interval is over, and writes what it took when the flush interval is.
 * Times are ms since the start.
 */
function setup(options: { queueSize?: number; block?: () => Promise<void> } = {}) {
  const start = Date.now();
  const at = () => Date.now() - start;
  const spooled: { at: number; events: string[] }[] = [];
  const writes: { at: number; events: number; forced: boolean }[] = [];
  const overflowed: string[][] = [];
  const state = { urgent: false, steps: 0, running: 0, maxRunning: 0 };
  let unsent = 0;
  const queue: WriteQueue = new WriteQueue({
    queueSize: options.queueSize ?? 100,
    spoolIntervalMs: 10,
    flushIntervalMs: 50,
    urgent: () => state.urgent,
    overflow: (events: LineageEvent[]) => overflowed.push(events.map((e) => e.requestId)),
    step: async () => {
      state.steps++;
      state.running++;
      state.maxRunning = Math.max(state.maxRunning, state.running);
      try {
        const batch = queue.takeDue();
        if (batch.length > 0) spooled.push({ at: at(), events: batch.map((e) => e.requestId) });
        unsent += batch.length;
        await options.block?.();
        if (!queue.writeDue(unsent)) return queue.writeLater();
        const forced = queue.startWrite();
        if (unsent > 0) writes.push({ at: at(), events: unsent, forced });
        unsent = 0;
      } finally {
        state.running--;
      }
    },
  });
  return { queue, spooled, writes, overflowed, state, at };
}

describe('the write queue and its scheduler', () => {
  it('takes the queue at most once per spool interval and writes at most once per flush interval', async () => {
    const { queue, spooled, writes } = setup();
    queue.push(event(1)); // nothing taken or written yet: both go at once
    expect(spooled).toEqual([]);
    await vi.advanceTimersByTimeAsync(0);
    expect(spooled).toEqual([{ at: 0, events: ['r1'] }]);
    expect(writes).toEqual([{ at: 0, events: 1, forced: false }]);

    queue.push(event(2)); // inside the spool interval: taken when it ends
    await vi.advanceTimersByTimeAsync(9);
    expect(queue.length).toBe(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(spooled.at(-1)).toEqual({ at: 10, events: ['r2'] });
    expect(writes).toHaveLength(1); // inside the flush interval

    await vi.advanceTimersByTimeAsync(10);
    queue.push(event(3)); // at 20: the spool interval is over, taken on the next turn
    await vi.advanceTimersByTimeAsync(0);
    expect(spooled.at(-1)).toEqual({ at: 20, events: ['r3'] });

    await vi.advanceTimersByTimeAsync(29);
    expect(writes).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1); // the flush interval ends: both events in one write
    expect(writes).toEqual([
      { at: 0, events: 1, forced: false },
      { at: 50, events: 2, forced: false },
    ]);
  });

  it('a full batch is written at once, inside the flush interval', async () => {
    const { queue, writes } = setup({ queueSize: 2 * MAX_BATCH });
    queue.push(event(0));
    await vi.advanceTimersByTimeAsync(0);
    await vi.advanceTimersByTimeAsync(10);
    for (let i = 1; i <= MAX_BATCH; i++) queue.push(event(i));
    await vi.advanceTimersByTimeAsync(0);
    expect(writes.map((w) => [w.at, w.events])).toEqual([
      [0, 1],
      [10, MAX_BATCH],
    ]);
  });

  it('with a strict waiter, the queue is taken and written at once, inside both intervals', async () => {
    const { queue, spooled, writes, state } = setup();
    queue.push(event(1));
    await vi.advanceTimersByTimeAsync(0);
    state.urgent = true;
    queue.push(event(2));
    await vi.advanceTimersByTimeAsync(0);
    expect(spooled.map((s) => s.at)).toEqual([0, 0]);
    expect(writes.map((w) => w.at)).toEqual([0, 0]);
  });

  it('force: the next step takes and writes at once, and says it was forced', async () => {
    const { queue, spooled, writes } = setup();
    queue.push(event(1));
    await vi.advanceTimersByTimeAsync(0);
    queue.push(event(2));
    queue.force();
    await queue.pump();
    expect(spooled.map((s) => s.at)).toEqual([0, 0]);
    expect(writes).toEqual([
      { at: 0, events: 1, forced: false },
      { at: 0, events: 1, forced: true },
    ]);
  });

  it('a full queue is handed to overflow by push itself, before any step', async () => {
    const { queue, overflowed, state } = setup({ queueSize: 3 });
    for (let i = 1; i <= 4; i++) queue.push(event(i));
    expect(overflowed).toEqual([['r1', 'r2', 'r3']]);
    expect(queue.length).toBe(1);
    expect(state.steps).toBe(0);
    await vi.advanceTimersByTimeAsync(0);
    expect(queue.length).toBe(0);
  });

  it('runs one step at a time: asked while running, it runs once more, then schedules what is left', async () => {
    let release = () => undefined as void;
    const block = () => new Promise<void>((resolve) => (release = resolve));
    const { queue, spooled, state } = setup({ block });
    queue.push(event(1));
    await vi.advanceTimersByTimeAsync(0); // step 1 took r1 and waits
    queue.push(event(2)); // asks for another run
    const running = queue.pump();
    expect(state.running).toBe(1);
    release();
    await vi.advanceTimersByTimeAsync(0);
    release(); // step 2: inside the spool interval, took nothing
    await running;
    expect(state).toMatchObject({ steps: 2, maxRunning: 1 });
    expect(queue.length).toBe(1);
    await vi.advanceTimersByTimeAsync(10); // step 3, at the end of the spool interval
    release();
    await vi.advanceTimersByTimeAsync(0);
    expect(spooled).toEqual([
      { at: 0, events: ['r1'] },
      { at: 10, events: ['r2'] },
    ]);
    expect(state.maxRunning).toBe(1);
  });

  it('wake runs the writer now (a retry is due)', async () => {
    const { queue, state } = setup();
    queue.wake();
    await vi.advanceTimersByTimeAsync(0);
    expect(state.steps).toBe(1);
  });

  it('close stops the flush timer', async () => {
    const { queue, writes, state } = setup();
    queue.push(event(1));
    await vi.advanceTimersByTimeAsync(10);
    queue.push(event(2));
    await vi.advanceTimersByTimeAsync(10); // taken, its write waits for the flush interval
    const steps = state.steps;
    queue.close();
    await vi.advanceTimersByTimeAsync(1_000);
    expect(state.steps).toBe(steps);
    expect(writes).toHaveLength(1);
  });
});

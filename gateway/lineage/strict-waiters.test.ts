import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { StrictWaiters } from './strict-waiters.js';

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

/** Runs pending promise callbacks. */
const settle = () => vi.advanceTimersByTimeAsync(0);

/** A waiter for the next event, recorded at once, as `recordConfirmed` does. */
function confirmed(waiters: StrictWaiters) {
  const state = { resolved: false };
  void waiters.waitForNext().then(() => (state.resolved = true));
  waiters.recorded();
  return state;
}

describe('strict-mode waiters', () => {
  it('a waiter resolves once its event is persisted, not before', async () => {
    const waiters = new StrictWaiters();
    waiters.recorded(); // an event of a request not in strict mode
    const a = confirmed(waiters); // event 2
    const b = confirmed(waiters); // event 3
    expect(waiters.pending).toBe(true);

    waiters.persisted(1);
    await settle();
    expect([a.resolved, b.resolved]).toEqual([false, false]);
    waiters.persisted(2);
    await settle();
    expect([a.resolved, b.resolved]).toEqual([true, false]);
    waiters.persisted(3);
    await settle();
    expect(b.resolved).toBe(true);
    expect(waiters.pending).toBe(false);
  });

  it('what is persisted stays persisted: a later, lower report does not hold a new waiter', async () => {
    const waiters = new StrictWaiters();
    for (let i = 0; i < 3; i++) waiters.recorded();
    waiters.persisted(3);
    waiters.persisted(1); // a step that took less than an earlier one
    const late = { resolved: false };
    void waiters.waitForNext().then(() => (late.resolved = true));
    waiters.persisted(3);
    await settle();
    expect(late.resolved).toBe(false); // its event (4) is not recorded yet
  });

  it('taken is the last event out of the queue: those still queued are not persisted by this step', async () => {
    const waiters = new StrictWaiters();
    const a = confirmed(waiters);
    const b = confirmed(waiters);
    waiters.persisted(waiters.taken(1)); // event 2 still queued
    await settle();
    expect([a.resolved, b.resolved]).toEqual([true, false]);
  });

  it('while the store is down, a waiter resolves once the spool is fsynced, and only after the fsync', async () => {
    const waiters = new StrictWaiters();
    const a = confirmed(waiters);
    const order: string[] = [];
    void waiters.waitForNext().then(() => order.push('resolved'));
    waiters.recorded();
    waiters.durableInSpool(2, () => order.push(`fsync (resolved before: ${a.resolved})`));
    await settle();
    expect(order).toEqual(['fsync (resolved before: false)', 'resolved']);
    expect(a.resolved).toBe(true);
  });

  it('no fsync when no one waits', () => {
    const waiters = new StrictWaiters();
    waiters.recorded();
    const fsync = vi.fn();
    waiters.durableInSpool(1, fsync);
    expect(fsync).not.toHaveBeenCalled();
  });
});

import { EventEmitter } from 'node:events';
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { stopOnSignal, type Service } from './lifecycle.js';

/** The shutdown bound without a process: signals from an emitter, exits recorded, time faked. */
function harness(stop: () => Promise<void>) {
  const signals = new EventEmitter();
  const exits: number[] = [];
  const calls: string[] = [];
  const lines: { msg: string }[] = [];
  const logger = pino({ level: 'info' }, { write: (line: string) => lines.push(JSON.parse(line)) });
  const service: Service = {
    stop: () => (calls.push('stop'), stop()),
    persistNow: () => void calls.push('persistNow'),
  };
  stopOnSignal(logger, service, { timeoutMs: 1_000, exit: (code) => exits.push(code), signals });
  return { signals, exits, calls, messages: () => lines.map((l) => l.msg) };
}

describe('stopOnSignal: graceful, bounded, and a second signal forces', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('exits 0 once stop() resolves, without persisting again', async () => {
    const h = harness(() => Promise.resolve());
    h.signals.emit('SIGTERM', 'SIGTERM');
    await vi.advanceTimersByTimeAsync(0);
    expect(h.exits).toEqual([0]);
    expect(h.calls).toEqual(['stop']);
    await vi.advanceTimersByTimeAsync(5_000); // the deadline was cleared
    expect(h.exits).toEqual([0]);
  });

  it('at the deadline persists what is buffered and exits 0, however long stop() hangs', async () => {
    const h = harness(() => new Promise<void>(() => undefined));
    h.signals.emit('SIGTERM', 'SIGTERM');
    await vi.advanceTimersByTimeAsync(999);
    expect(h.exits).toEqual([]);
    await vi.advanceTimersByTimeAsync(1);
    expect(h.calls).toEqual(['stop', 'persistNow']);
    expect(h.exits).toEqual([0]);
    expect(h.messages()).toContain(
      'shutdown deadline passed: buffered lineage stays in the spool for the next start',
    );
  });

  it('a second signal persists and exits 1 at once; stop() is not started twice', async () => {
    const h = harness(() => new Promise<void>(() => undefined));
    h.signals.emit('SIGTERM', 'SIGTERM');
    await vi.advanceTimersByTimeAsync(100);
    h.signals.emit('SIGINT', 'SIGINT');
    expect(h.calls).toEqual(['stop', 'persistNow']);
    expect(h.exits).toEqual([1]);
    expect(h.messages()).toEqual(['shutting down', 'second signal: exiting now']);
  });

  it('a failing stop() is logged, persists, and exits 1', async () => {
    const h = harness(() => Promise.reject(new Error('boom')));
    h.signals.emit('SIGTERM', 'SIGTERM');
    await vi.advanceTimersByTimeAsync(0);
    expect(h.calls).toEqual(['stop', 'persistNow']);
    expect(h.exits).toEqual([1]);
    expect(h.messages()).toContain('shutdown failed');
  });
});

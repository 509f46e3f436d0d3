import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Logger } from '../common/logger.js';
import { sampleEvent } from '../../test/support/lineage-event.js';
import { Spool } from './spool.js';
import { SpoolJournal, TRUNCATE_AT_BYTES, type SendBatch } from './spool-journal.js';
import type { FieldRead, SerializedEvent } from './types.js';
import { serialize, shapeLine } from './wire.js';

const dir = mkdtempSync(join(tmpdir(), 'meshgate-spool-journal-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const EMAIL: FieldRead[] = [
  { path: 'customer.email', coordinate: 'Customer.email', product: 'customers', type: 'String' },
];
const event = (i: number, reads: readonly FieldRead[] = []) => sampleEvent({ requestId: `r${i}`, reads });

let files = 0;
function open(lines?: readonly string[]) {
  const path = join(dir, `spool-${files++}.ndjson`);
  if (lines) writeFileSync(path, `${lines.join('\n')}\n`);
  const warnings: { obj: object; msg: string }[] = [];
  const logger = { warn: (obj: object, msg: string) => warnings.push({ obj, msg }) } as unknown as Logger;
  const journal = new SpoolJournal(Spool.open(path), logger);
  const readLines = () => readFileSync(path, 'utf8').split('\n').filter(Boolean);
  return { path, journal, warnings, lines: readLines };
}

/** A store write that records the request ids of each batch, and fails while `down`. */
function sender() {
  const batches: string[][] = [];
  const state = { down: false };
  const write: SendBatch = (batch: readonly SerializedEvent[]) => {
    if (state.down) return Promise.reject(new Error('store down'));
    batches.push(batch.map((s) => s.event.requestId));
    return Promise.resolve();
  };
  return { batches, state, write };
}

describe('the spool journal', () => {
  it('appends each new shape before its first event, and sends what it appended from memory, in one write', async () => {
    const { journal, lines } = open();
    journal.append([event(1, EMAIL), event(2, EMAIL), event(3)], { mirror: true });
    const written = lines().map((l) => JSON.parse(l) as { shape: string; id?: string });
    expect(written.map((l) => (l.id ? 'event' : 'shape'))).toEqual([
      'shape',
      'event',
      'event',
      'shape',
      'event',
    ]);
    expect(journal.counters.spooled).toBe(3);
    expect(journal.unsentCount).toBe(3);

    const { batches, write } = sender();
    await journal.send(write, { empty: false });
    expect(batches).toEqual([['r1', 'r2', 'r3']]);
    expect(journal.unsentCount).toBe(0);
    await journal.send(write, { empty: false });
    expect(batches).toHaveLength(1); // nothing twice
  });

  it('keeps the spool while it is small, empties it when asked (a flush) or once past 1 MiB', async () => {
    const { path, journal } = open();
    const { write } = sender();
    journal.append([event(1)], { mirror: true });
    await journal.send(write, { empty: false });
    expect(statSync(path).size).toBeGreaterThan(0);
    await journal.send(write, { empty: true });
    expect(statSync(path).size).toBe(0);

    while (journal.size < TRUNCATE_AT_BYTES) journal.append([event(2)], { mirror: true });
    await journal.send(write, { empty: false });
    expect(statSync(path).size).toBe(0);
  });

  it('after it was emptied, the spool defines its shapes again: it reads back on its own', async () => {
    const { path, journal } = open();
    const { write } = sender();
    journal.append([event(1, EMAIL)], { mirror: true });
    await journal.send(write, { empty: true });
    journal.append([event(2, EMAIL)], { mirror: true });

    const again = new SpoolJournal(Spool.open(path), undefined);
    const { batches, write: write2 } = sender();
    await again.send(write2, { empty: false });
    expect(batches).toEqual([['r2']]);
    expect(again.counters.corrupt).toBe(0);
  });

  it('while the store fails, appends are not kept in memory; the next send replays them from the file, in order', async () => {
    const { journal } = open();
    const { batches, state, write } = sender();
    journal.append([event(1, EMAIL)], { mirror: true });
    state.down = true;
    await expect(journal.send(write, { empty: false })).rejects.toThrow('store down');
    journal.append([event(2, EMAIL), event(3)], { mirror: false });
    journal.append([event(4)], { mirror: false });
    expect(journal.unsentCount).toBe(0); // the outage does not grow the heap
    await expect(journal.send(write, { empty: false })).rejects.toThrow('store down');

    state.down = false;
    await journal.send(write, { empty: false });
    expect(batches.flat()).toEqual(['r1', 'r2', 'r3', 'r4']);
    expect(journal.counters.spooled).toBe(4);
  });

  it('replays a spool left by a previous run: a corrupt line is counted and logged once, however often the replay fails', async () => {
    const [a, b, c] = [1, 2, 3].map((i) => serialize(event(i, EMAIL)));
    const { journal, warnings } = open([
      shapeLine(a!.shape),
      a!.json,
      'not json at all',
      b!.json.replace(b!.shape.id, 'no-such-shape'),
      JSON.stringify(c!.event), // a full event, as written before shapes
    ]);
    const { batches, state, write } = sender();
    state.down = true;
    await expect(journal.send(write, { empty: false })).rejects.toThrow('store down');
    await expect(journal.send(write, { empty: false })).rejects.toThrow('store down');
    expect(journal.counters.corrupt).toBe(2);

    state.down = false;
    await journal.send(write, { empty: true });
    expect(batches).toEqual([['r1', 'r3']]);
    expect(journal.counters.corrupt).toBe(2);
    expect(warnings).toHaveLength(2);
    expect(warnings.map((w) => w.msg)).toEqual([
      'lineage: corrupt spool line skipped',
      'lineage: corrupt spool line skipped',
    ]);
    expect(warnings[0]!.obj).toMatchObject({ line: 'not json at all' });
    expect(journal.size).toBe(0);
  });

  it('a failure after part of the replay keeps what was confirmed: the retry resends from there', async () => {
    const { journal } = open();
    const { batches, write } = sender();
    // Two chunks: the replay reads about 1 MiB at a time.
    let n = 0;
    while (journal.size < TRUNCATE_AT_BYTES * 1.5) journal.append([event(n++)], { mirror: false });
    let calls = 0;
    const failSecond: SendBatch = (batch) =>
      ++calls === 2 ? Promise.reject(new Error('timeout')) : write(batch);
    await expect(journal.send(failSecond, { empty: false })).rejects.toThrow('timeout');
    expect(batches).toHaveLength(1);
    const first = batches[0]!.length;
    await journal.send(write, { empty: false });
    expect(batches.flat()).toHaveLength(n);
    expect(batches[1]![0]).toBe(`r${first}`);
  });
});

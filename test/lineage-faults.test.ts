import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { sampleEvent } from './support/lineage-event.js';
import { freePort } from './support/redis-server.js';
import { serialize, shapeLine } from '../gateway/lineage/wire.js';
import {
  LineageRecorder,
  memoryStore,
  redisStore,
  type LineageEvent,
  type RedisLineageStore,
} from '../gateway/lineage/index.js';
import type { Logger } from '../gateway/common/logger.js';
import { redisServer } from '../gateway/redis/redis-config.js';

/**
 * The four faults, each ending with counts: sent N, stored N, duplicates 0 — read
 * back from Redis itself. A private redis-server (AOF, fsync always, on a free port) is
 * stopped, restarted and slowed; the shared Redis on 6379 is never touched here.
 */

const dir = mkdtempSync(join(tmpdir(), 'meshgate-lineage-faults-'));
let redisPort = 0;
let redisProcess: ChildProcess | null = null;
const open: { recorder?: LineageRecorder; store?: RedisLineageStore }[] = [];

beforeAll(async () => {
  redisPort = await freePort();
});
afterAll(async () => {
  for (const o of open) await o.recorder?.close().catch(() => undefined);
  await stopRedis();
  rmSync(dir, { recursive: true, force: true });
});

describe('lineage survives Redis faults and gateway crashes, every event stored exactly once', () => {
  it('Redis down when the gateway starts: events spool, then replay when Redis comes up', async () => {
    const { recorder } = await recorderFor('down-at-start');
    const sent = await send(recorder, 1_500);
    await until(() => recorder.stats.degraded);
    expect(recorder.stats.stored).toBe(0);
    await startRedis();
    await until(() => recorder.stats.stored + recorder.stats.duplicates >= sent.length);
    await recorder.flush();
    const counts = await countsIn('down-at-start', sent);
    console.info('fault: Redis down at start', counts);
    expect(counts).toEqual({ sent: 1_500, stored: 1_500, duplicates: 0, missing: 0 });
  });

  it('Redis going down under load and coming back', async () => {
    await startRedis();
    const { recorder } = await recorderFor('down-under-load');
    const sent: LineageEvent[] = [];
    for (let round = 0; round < 30; round++) {
      sent.push(...(await send(recorder, 100)));
      // Rounds 11-20 are sent while the recorder knows Redis is down, the rest while it is up.
      // (The recorder learns either only from a write: events keep coming while it does.)
      if (round === 10) {
        await stopRedis();
        await until(async () => (sent.push(...(await send(recorder, 10))), recorder.stats.degraded));
      }
      if (round === 20) {
        await startRedis();
        await until(async () => (sent.push(...(await send(recorder, 10))), !recorder.stats.degraded));
      }
    }
    await until(() => !recorder.stats.degraded && recorder.stats.queued === 0);
    await recorder.flush();
    const counts = await countsIn('down-under-load', sent);
    console.info('fault: Redis down under load', counts, recorder.stats);
    expect(sent.length).toBeGreaterThanOrEqual(3_000);
    expect(recorder.stats.spooled).toBe(sent.length);
    expect(counts).toEqual({ sent: sent.length, stored: sent.length, duplicates: 0, missing: 0 });
  });

  it('Redis slow (DEBUG SLEEP beyond the write timeout): timed-out writes are replayed without duplicates', async () => {
    const { recorder } = await recorderFor('slow', { writeTimeoutMs: 200 });
    const admin = new Redis(redisPort, '127.0.0.1');
    const sent = await send(recorder, 500);
    await recorder.flush();
    const sleeping = admin.call('DEBUG', 'SLEEP', '1'); // Redis answers nobody for a second
    await until(() => isAsleep(redisPort));
    sent.push(...(await send(recorder, 1_000)));
    await sleeping;
    admin.disconnect();
    await until(() => !recorder.stats.degraded && recorder.stats.queued === 0);
    await recorder.flush();
    const counts = await countsIn('slow', sent);
    console.info('fault: Redis slow', counts, recorder.stats);
    expect(counts).toEqual({ sent: 1_500, stored: 1_500, duplicates: 0, missing: 0 });
    // Whether a timed-out write ran in Redis before its replay is a matter of timing; either
    // way, writing any of these events again must store nothing (ids are idempotent).
    // Through a store without the fault's 200 ms bound: 1,500 ids in one write can outlast it on
    // a loaded machine (CI failed here with "Command timed out"), which is not what is tested.
    const patient = await redisStore({
      connection: redisServer(`redis://127.0.0.1:${redisPort}`),
      prefix: 't:slow:',
      writeTimeoutMs: 10_000,
      connect: true,
    });
    try {
      expect(await patient.write(sent.map(serialize))).toEqual({ stored: 0, duplicates: 1_500 });
    } finally {
      await patient.close();
    }
  });

  it('the gateway killed (SIGKILL) with events still queued: the spool is replayed on restart', async () => {
    const spool = join(dir, 'killed', 'spool.ndjson');
    const prefix = `t:killed:`;
    // Redis does not answer while the child records, so nothing it records is confirmed.
    const admin = new Redis(redisPort, '127.0.0.1');
    const sleeping = admin.call('DEBUG', 'SLEEP', '3');
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', '--input-type=module', '-e', childScript(spool, prefix, 2_000)],
      { cwd: process.cwd(), stdio: ['ignore', 'pipe', 'inherit'] },
    );
    const ids = await new Promise<string[]>((resolve, reject) => {
      let out = '';
      child.stdout!.on('data', (chunk: Buffer) => {
        out += chunk.toString();
        const line = out
          .split('\n')
          .slice(0, -1)
          .find((l) => l.startsWith('recorded ')); // complete lines only
        if (line) resolve(JSON.parse(line.slice('recorded '.length)) as string[]);
      });
      child.once('exit', (code) => reject(new Error(`child exited early (${code})`)));
    });
    child.kill('SIGKILL');
    await new Promise((resolve) => child.once('exit', resolve));
    await sleeping;
    admin.disconnect();
    // Restart: a new recorder on the same spool replays it.
    const store = await redisStore({
      connection: redisServer(`redis://127.0.0.1:${redisPort}`),
      prefix,
      connect: true,
    });
    const recorder = new LineageRecorder({ store, spoolPath: spool });
    open.push({ recorder, store });
    await until(() => recorder.stats.stored + recorder.stats.duplicates >= ids.length);
    await recorder.flush();
    const counts = await countIds(prefix, ids);
    console.info('fault: gateway SIGKILLed', counts, recorder.stats);
    expect(counts).toEqual({ sent: 2_000, stored: 2_000, duplicates: 0, missing: 0 });
  });

  it('a corrupt spool line is reported and skipped; the rest is replayed in order', async () => {
    const spool = join(dir, 'corrupt', 'spool.ndjson');
    const sent = await send(new LineageRecorder({ store: memoryStore() }), 4);
    const [s0, s1, , s3] = sent.map(serialize);
    mkdirSync(dirname(spool), { recursive: true });
    // Good: a shape and an event of it, and a full event as spooled before shapes existed.
    // Bad: a line cut by a crash mid-write, a stray edit, an event whose shape is not in the
    // spool, and a torn last line without its newline.
    writeFileSync(
      spool,
      [
        shapeLine(s0!.shape),
        s0!.json,
        s1!.json.slice(0, 40),
        'not json at all',
        JSON.stringify(sent[2]),
        s3!.json.replace(s3!.shape.id, 'no-such-shape'),
        '{"id":"torn',
      ].join('\n'),
    );
    const warnings: unknown[] = [];
    const logger = {
      warn: (o: unknown) => warnings.push(o),
      info: () => undefined,
      error: () => undefined,
    } as unknown as Logger;
    const store = await redisStore({
      connection: redisServer(`redis://127.0.0.1:${redisPort}`),
      prefix: 't:corrupt:',
    });
    const recorder = new LineageRecorder({ store, spoolPath: spool, logger });
    open.push({ recorder, store });
    await startRedis();
    await until(() => recorder.stats.stored === 2);
    await recorder.flush();
    expect(recorder.stats.corrupt).toBe(4);
    expect(warnings.filter((w) => (w as { line?: string }).line !== undefined)).toHaveLength(4);
    const redis = new Redis(redisPort, '127.0.0.1');
    const stored = (await redis.xrange('t:corrupt:events', '-', '+')).map(([, f]) => f[f.indexOf('id') + 1]);
    redis.disconnect();
    expect(stored).toEqual([sent[0]!.id, sent[2]!.id]);
    expect(statSync(spool).size).toBe(0); // all stored: truncated
  });
});

function childScript(spool: string, prefix: string, n: number): string {
  const root = new URL('../gateway/lineage/', import.meta.url).href;
  return `
    const { LineageRecorder, redisStore } = await import('${root}index.ts');
    const { lineageEvent } = await import('${root}event.ts');
    const { redisServer } = await import('${root}../redis/redis-config.ts');
    const store = await redisStore({ connection: redisServer('redis://127.0.0.1:${redisPort}'), prefix: '${prefix}', writeTimeoutMs: 60000 });
    const recorder = new LineageRecorder({ store, spoolPath: '${spool}' });
    const ids = [];
    const ctx = { requestId: 'child', startedAt: process.hrtime.bigint(), client: { name: undefined, version: undefined }, principal: { sub: 'child', anonymous: false, roles: [], scopes: [], attributes: {} }, decisions: [], fetches: [] };
    for (let i = 0; i < ${n}; i++) {
      const e = lineageEvent({ context: ctx, operation: { name: 'Child', type: 'query', hash: 'h' }, reads: [], response: { outcome: 'ok', executed: true, errorCodes: [], httpStatus: 200 } });
      ids.push(e.id);
      recorder.record(e);
      if (i % 100 === 99) await new Promise((r) => setImmediate(r));
    }
    // Appended to the spool within LINEAGE_SPOOL_MS: what the kill below may not lose.
    while (recorder.stats.spooled < ${n}) await new Promise((r) => setTimeout(r, 1));
    console.log('recorded ' + JSON.stringify(ids));
    setInterval(() => {}, 1000);
  `;
}

async function recorderFor(name: string, options: { writeTimeoutMs?: number } = {}) {
  const store = await redisStore({
    connection: redisServer(`redis://127.0.0.1:${redisPort}`),
    prefix: `t:${name}:`,
    writeTimeoutMs: options.writeTimeoutMs ?? 2_000,
  });
  const recorder = new LineageRecorder({
    store,
    spoolPath: join(dir, name, 'spool.ndjson'),
    retryMinMs: 50,
    retryMaxMs: 200,
  });
  open.push({ recorder, store });
  return { recorder, store };
}

/** `n` events, recorded 100 per event-loop turn as requests would. */
async function send(recorder: LineageRecorder, n: number): Promise<LineageEvent[]> {
  const sent: LineageEvent[] = [];
  for (let i = 0; i < n; i++) {
    const event = sampleEvent({
      requestId: `r${i}`,
      client: { name: 'faults', version: '1' },
      operation: { name: 'Fault', type: 'query', hash: 'h' },
      reads: [{ path: 'order.id', coordinate: 'Order.id', product: 'orders', type: 'ID!' }],
    });
    sent.push(event);
    recorder.record(event);
    if (i % 100 === 99) await nextTurn();
  }
  return sent;
}

async function countsIn(name: string, sent: readonly LineageEvent[]) {
  return countIds(
    `t:${name}:`,
    sent.map((e) => e.id),
  );
}

/** Sent, stored (stream entries), duplicates (entries beyond distinct ids), missing (sent, not stored). */
async function countIds(prefix: string, ids: readonly string[]) {
  const redis = new Redis(redisPort, '127.0.0.1');
  try {
    const entries = await redis.xrange(`${prefix}events`, '-', '+');
    const stored = entries.map(([, fields]) => fields[fields.indexOf('id') + 1]!);
    const distinct = new Set(stored);
    return {
      sent: ids.length,
      stored: stored.length,
      duplicates: stored.length - distinct.size,
      missing: ids.filter((id) => !distinct.has(id)).length,
    };
  } finally {
    redis.disconnect();
  }
}

async function startRedis(): Promise<void> {
  if (redisProcess) return;
  redisProcess = spawn(
    'redis-server',
    [
      '--port',
      String(redisPort),
      '--bind',
      '127.0.0.1',
      '--save',
      '',
      '--appendonly',
      'yes',
      '--appendfsync',
      'always',
      '--dir',
      dir,
      '--enable-debug-command',
      'yes',
    ],
    { stdio: 'ignore' },
  );
  const probe = new Redis(redisPort, '127.0.0.1', {
    lazyConnect: true,
    retryStrategy: () => 50,
    maxRetriesPerRequest: null,
  });
  probe.on('error', () => undefined); // refused until redis-server listens
  await probe.connect().catch(() => undefined);
  await until(async () => (await probe.ping().catch(() => '')) === 'PONG');
  probe.disconnect();
}

/** SIGTERM: Redis shuts down cleanly; the append-only file keeps what it acknowledged. */
async function stopRedis(): Promise<void> {
  const process_ = redisProcess;
  if (!process_) return;
  redisProcess = null;
  const exited = new Promise((resolve) => process_.once('exit', resolve));
  process_.kill('SIGTERM');
  await exited;
}

/** Waits for a condition, polling, with a deadline (vitest's own waitFor). */
async function until(condition: () => boolean | Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  await vi.waitFor(async () => expect(await condition()).toBe(true), { timeout: timeoutMs, interval: 25 });
}

/** Redis is inside DEBUG SLEEP: a PING gets no answer within 100 ms. */
async function isAsleep(port: number): Promise<boolean> {
  const probe = new Redis(port, '127.0.0.1', { commandTimeout: 100, maxRetriesPerRequest: 0 });
  probe.on('error', () => undefined);
  try {
    await probe.ping();
    return false;
  } catch {
    return true;
  } finally {
    probe.disconnect();
  }
}

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEV_KEY_FILE, developmentKey } from '../gateway/auth/dev-key.js';
import {
  spawnMeshProcess,
  type ChildProcessHandle,
  type ExitedProcess,
} from '../gateway/cli/mesh-process.js';
import type { RunningMesh } from '../gateway/cli/mesh.js';
import { sharedMesh, testConfig } from './support/mesh.js';
import { PrivateRedis } from './support/redis-server.js';

/**
 * Issue 19: graceful shutdown is bounded whatever Redis does, and loses no answered request's
 * lineage event. Each run is a real `meshgate gateway` process over the shared mesh's
 * subgraphs, with NODE_ENV=development as `npm start` runs it (Apollo installs its own signal
 * handlers outside NODE_ENV=test: that is how the hang came about). Redis is a private
 * redis-server with an fsynced append-only file, so what it acknowledged survives its SIGKILL
 * and the final count is the gateway's.
 */
const SHUTDOWN_TIMEOUT_MS = 3_000;
/** An exit this long after SIGTERM means the bound was missed (the deadline plus scheduling noise). */
const EXIT_BOUND_MS = SHUTDOWN_TIMEOUT_MS + 2_000;
/**
 * The deadline of a stop that a second signal must cut short. A fixed 3 s bound failed in CI at
 * 4.9 s on a loaded runner; exit code 1 tells the forced exit from the deadline's exit 0.
 */
const FAR_DEADLINE_MS = 60_000;

let mesh: RunningMesh;
const cleanup: (() => Promise<void> | void)[] = [];

beforeAll(async () => {
  mesh = await sharedMesh();
});
afterAll(async () => {
  for (const step of cleanup.reverse()) await step();
});

interface Run {
  readonly child: ChildProcessHandle;
  readonly url: string;
  readonly log: string[];
}

function stateDirectory(): string {
  const dir = mkdtempSync(join(tmpdir(), 'meshgate-shutdown-'));
  // The shared mesh's subgraphs verify context tokens with the default state directory's key.
  writeFileSync(join(dir, DEV_KEY_FILE), developmentKey(testConfig().stateDir).toString('hex'), {
    mode: 0o600,
  });
  cleanup.push(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

async function startGateway(
  stateDir: string,
  redis: PrivateRedis,
  env: Record<string, string>,
): Promise<Run> {
  const log: string[] = [];
  const capture = new Writable({
    write(chunk: Buffer, _encoding, done) {
      log.push(...chunk.toString().split('\n').filter(Boolean));
      done();
    },
  });
  const child = spawnMeshProcess(
    'gateway',
    'gateway',
    ['gateway', '--port', '0'],
    {
      ...process.env,
      NODE_ENV: 'development',
      LOG_LEVEL: 'info',
      HOST: '127.0.0.1',
      MESHGATE_STATE_DIR: stateDir,
      REDIS_URL: redis.url,
      LINEAGE_PREFIX: 'shutdown:',
      SHUTDOWN_TIMEOUT_MS: String(SHUTDOWN_TIMEOUT_MS),
      RATE_LIMIT_POINTS: '1000000',
      SUBGRAPH_URLS: mesh.subgraphs.map((s) => `${s.name}=${s.url}`).join(','),
      ...env,
    },
    { stdout: capture, stderr: capture },
  );
  cleanup.push(() => child.signal('SIGKILL'));
  const { url } = await child.ready(60_000, undefined);
  return { child, url, log };
}

/** `n` varied queries (a different order id each), one at a time; returns how many were answered 200 with data. */
async function query(run: Run, n: number, from: number): Promise<number> {
  let answered = 0;
  for (let i = 0; i < n; i++) {
    const response = await fetch(run.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        query: 'query Order($id: ID!) { order(id: $id) { id status } }',
        variables: { id: String(((from + i) % 40) + 1) },
      }),
    });
    const body = (await response.json()) as { data?: { order: { id: string } | null } };
    if (response.status === 200 && body.data?.order?.id === String(((from + i) % 40) + 1)) answered++;
  }
  return answered;
}

/** Sends SIGTERM (and, `secondAfterMs` later, another); resolves with the exit and how long it took. */
async function terminate(
  run: Run,
  secondAfterMs?: number,
  boundMs = EXIT_BOUND_MS,
): Promise<{ exit: ExitedProcess; ms: number }> {
  const started = Date.now();
  run.child.stopping = true;
  run.child.signal('SIGTERM');
  const second =
    secondAfterMs === undefined ? undefined : setTimeout(() => run.child.signal('SIGTERM'), secondAfterMs);
  let timer: NodeJS.Timeout | undefined;
  const bound = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`still running ${boundMs} ms after SIGTERM`)), boundMs);
  });
  try {
    const exit = await Promise.race([run.child.exited, bound]);
    return { exit, ms: Date.now() - started };
  } finally {
    clearTimeout(timer);
    clearTimeout(second);
  }
}

/** The stream's length and its distinct event ids, once the length reaches `expected` (or the deadline). */
async function storedEvents(
  redis: PrivateRedis,
  expected: number,
): Promise<{ length: number; distinct: number }> {
  const client = new Redis(redis.url);
  try {
    const deadline = Date.now() + 20_000;
    let length = await client.xlen('shutdown:events');
    while (length < expected && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      length = await client.xlen('shutdown:events');
    }
    const entries = await client.xrange('shutdown:events', '-', '+');
    const ids = new Set(entries.map(([, fields]) => fields[fields.indexOf('id') + 1]));
    return { length, distinct: ids.size };
  } finally {
    client.disconnect();
  }
}

async function privateRedis(dir: string): Promise<PrivateRedis> {
  const redis = await PrivateRedis.start(['--appendonly', 'yes', '--appendfsync', 'always', '--dir', dir]);
  cleanup.push(() => redis.stop());
  return redis;
}

describe.each([
  { mode: 'strict', strict: 'true' },
  { mode: 'default', strict: 'false' },
])('shutdown with Redis stopped before SIGTERM ($mode lineage)', ({ mode, strict }) => {
  it(
    'exits 0 within the bound on both runs (the second replays a spool at start); every answered event is stored once',
    { timeout: 180_000 },
    async () => {
      const stateDir = stateDirectory();
      const redis = await privateRedis(stateDir);
      const env = { LINEAGE_STRICT: strict };

      const first = await startGateway(stateDir, redis, env);
      let answered = await query(first, 30, 0);
      await redis.stop();
      answered += await query(first, 20, 30);
      const firstStop = await terminate(first);

      await redis.start();
      const second = await startGateway(stateDir, redis, env);
      answered += await query(second, 20, 50);
      await redis.stop();
      answered += await query(second, 10, 70);
      const secondStop = await terminate(second);

      await redis.start();
      const third = await startGateway(stateDir, redis, env);
      const stored = await storedEvents(redis, answered);
      const thirdStop = await terminate(third);
      console.log(
        `shutdown (${mode}):`,
        JSON.stringify({
          answered,
          firstExitMs: firstStop.ms,
          secondExitMs: secondStop.ms,
          thirdExitMs: thirdStop.ms,
          stored: stored.length,
          distinct: stored.distinct,
        }),
      );
      expect(answered).toBe(80);
      for (const { exit } of [firstStop, secondStop, thirdStop]) expect(exit.code).toBe(0);
      expect(second.log.some((line) => line.includes('replaying the spool left by a previous run'))).toBe(
        true,
      );
      expect(stored).toEqual({ length: 80, distinct: 80 });
    },
  );
});

describe('shutdown while Redis hangs (SIGSTOPped: connections open, no answers)', () => {
  it(
    'the deadline persists the queue and exits 0; a second SIGTERM exits at once; the next start stores all of it once',
    { timeout: 180_000 },
    async () => {
      const stateDir = stateDirectory();
      const redis = await privateRedis(stateDir);
      // A write waits far longer than the shutdown may: only the deadline can end the stop.
      // No rate limiter: its Redis commands would each wait for their own timeout.
      const env = { LINEAGE_WRITE_TIMEOUT_MS: '30000', RATE_LIMIT_POINTS: '0' };

      const first = await startGateway(stateDir, redis, env);
      let answered = await query(first, 10, 0);
      redis.pause();
      answered += await query(first, 15, 10);
      const deadlineStop = await terminate(first);

      // The second gateway connects while Redis answers, then Redis hangs again: its stop waits
      // on writes that never return (a client that never connected is simply dropped).
      // Its deadline is far off (60 s), so only the second signal can end this stop soon: exit
      // code 1 and a stop well inside that deadline prove it, however loaded the machine is.
      redis.resume();
      const second = await startGateway(stateDir, redis, {
        ...env,
        SHUTDOWN_TIMEOUT_MS: String(FAR_DEADLINE_MS),
      });
      redis.pause();
      answered += await query(second, 15, 25);
      const forcedStop = await terminate(second, 300, FAR_DEADLINE_MS);

      redis.resume();
      const third = await startGateway(stateDir, redis, {});
      const stored = await storedEvents(redis, answered);
      const thirdStop = await terminate(third);
      console.log(
        'shutdown (Redis hung):',
        JSON.stringify({
          answered,
          deadlineExit: { code: deadlineStop.exit.code, ms: deadlineStop.ms },
          secondSignalExit: { code: forcedStop.exit.code, ms: forcedStop.ms },
          stored: stored.length,
          distinct: stored.distinct,
        }),
      );
      expect(answered).toBe(40);
      expect(deadlineStop.exit.code).toBe(0);
      expect(deadlineStop.ms).toBeGreaterThanOrEqual(SHUTDOWN_TIMEOUT_MS);
      expect(first.log.some((line) => line.includes('shutdown deadline passed'))).toBe(true);
      expect(forcedStop.exit.code).toBe(1);
      expect(forcedStop.ms).toBeLessThan(FAR_DEADLINE_MS / 4);
      expect(second.log.some((line) => line.includes('second signal: exiting now'))).toBe(true);
      expect(thirdStop.exit.code).toBe(0);
      expect(stored).toEqual({ length: 40, distinct: 40 });
    },
  );
});

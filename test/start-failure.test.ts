import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { once } from 'node:events';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEV_KEY_FILE, developmentKey } from '../gateway/auth/dev-key.js';
import { createLogger } from '../gateway/common/logger.js';
import { startGateway } from '../gateway/server.js';
import { testConfig } from './support/mesh.js';
import { PrivateRedis, freePort } from './support/redis-server.js';

/**
 * Issue 26: a gateway whose start fails, wherever it fails, leaves nothing open: every
 * resource joined one stack as it was opened, and the failed start closes that stack. Each
 * case turns on every Redis-backed feature (lineage, APQ, rate limit, SLIs, incidents, the
 * entity cache's L2, quality) against a private redis-server, so that whatever opened a client
 * before the failure shows in its CLIENT LIST; then it fails at one point of the start
 * sequence, in the order the gateway meets them. Afterwards the private Redis has no client
 * but the test's own, the process has no more TCP sockets, servers or timers than before, and
 * the port is free to listen on.
 */
let redis: PrivateRedis;
let probe: Redis;
const dirs: string[] = [];

beforeAll(async () => {
  redis = await PrivateRedis.start();
  probe = new Redis(redis.url);
});
afterAll(async () => {
  probe?.disconnect();
  await redis?.stop();
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

/** Clients connected to the private Redis, the probe itself excepted. */
async function redisClients(): Promise<number> {
  const list = (await probe.call('CLIENT', 'LIST')) as string;
  return list.trim().split('\n').length - 1;
}

/** The kinds of handle a leaked resource keeps: sockets, servers, timers. */
function openHandles(): number {
  return process
    .getActiveResourcesInfo()
    .filter((kind) => kind === 'TCPSocketWrap' || kind === 'TCPServerWrap' || kind === 'Timeout').length;
}

async function until(condition: () => Promise<boolean> | boolean, what: string, ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

async function portIsFree(port: number): Promise<boolean> {
  const server: Server = createServer();
  server.listen(port, '127.0.0.1');
  const outcome = await Promise.race([
    once(server, 'listening').then(() => true),
    once(server, 'error').then(() => false),
  ]);
  if (outcome) {
    server.close();
    await once(server, 'close');
  }
  return outcome;
}

/** A state directory with the development key the default one has, and what a case breaks in it. */
function stateDirectory(): string {
  const dir = mkdtempSync(join(tmpdir(), 'meshgate-start-failure-'));
  dirs.push(dir);
  writeFileSync(join(dir, DEV_KEY_FILE), developmentKey(testConfig().stateDir).toString('hex'), {
    mode: 0o600,
  });
  return dir;
}

interface Case {
  readonly where: string;
  readonly code: string;
  /** What the case breaks, given its state directory; the environment it adds. */
  readonly breaks: (
    stateDir: string,
    port: number,
  ) => Promise<Record<string, string>> | Record<string, string>;
}

const CASES: readonly Case[] = [
  {
    where: 'the supergraph source (a supergraph file that does not exist)',
    code: 'SUPERGRAPH_UNREADABLE',
    breaks: (dir) => ({ SUPERGRAPH_PATH: join(dir, 'missing.graphql') }),
  },
  {
    where: 'lineage (its spool directory cannot be made)',
    code: 'STARTUP_FAILED',
    breaks: (dir) => {
      writeFileSync(join(dir, 'lineage'), 'a file where the spool directory belongs');
      return {};
    },
  },
  {
    where: 'the persisted-operations stage (the safelist manifest is not JSON)',
    code: 'CONFIG_INVALID',
    breaks: (dir) => {
      writeFileSync(join(dir, 'manifest.json'), '{ not json');
      return { SAFELIST: 'on', SAFELIST_PATH: join(dir, 'manifest.json') };
    },
  },
  {
    where: 'the policy stage, on the first supergraph (a rule naming a field that does not exist)',
    code: 'POLICY_INVALID',
    breaks: (dir) => {
      const policies = join(dir, 'policies');
      mkdirSync(policies);
      writeFileSync(
        join(policies, 'broken.yaml'),
        'rules:\n  - id: no-fax\n    description: a field this supergraph lacks\n    fields: [Customer.fax]\n    effect: deny\n',
      );
      return { POLICY_DIR: policies };
    },
  },
  {
    where: 'listening (the port is taken), after every stage started',
    code: 'PORT_IN_USE',
    breaks: async (_dir, port) => {
      const taken = createServer().listen(port, '127.0.0.1');
      await once(taken, 'listening');
      cleanups.push(async () => {
        taken.close();
        await once(taken, 'close');
      });
      return {};
    },
  },
];
const cleanups: (() => Promise<void>)[] = [];

describe('a gateway whose start fails leaves nothing open', () => {
  it.each(CASES)('failing at $where', async ({ code, breaks }) => {
    await until(async () => (await redisClients()) === 0, 'the private Redis to have no client');
    const handlesBefore = openHandles();
    const stateDir = stateDirectory();
    const port = await freePort();
    const env = await breaks(stateDir, port);
    const config = testConfig({
      MESHGATE_STATE_DIR: stateDir,
      PORT: String(port),
      REDIS_URL: redis.url,
      MESHGATE_LINEAGE: 'on',
      APQ: 'on',
      RATE_LIMIT_POINTS: '1000',
      MESHGATE_SLI: 'on',
      MESHGATE_INCIDENTS: 'on',
      MESHGATE_QUALITY: 'on',
      MESHGATE_CACHE: 'on',
      ...env,
    });
    const failure = await startGateway(config, createLogger('silent')).then(
      async (gateway) => {
        await gateway.stop();
        return null;
      },
      (error: unknown) => error,
    );
    expect(failure).toMatchObject({ name: 'StartupError', code });
    for (const cleanup of cleanups.splice(0)) await cleanup();
    await until(async () => (await redisClients()) === 0, 'every Redis client to be closed');
    let handlesAfter = Infinity;
    await until(
      () => (handlesAfter = openHandles()) <= handlesBefore,
      'sockets, servers and timers to be closed',
    );
    expect(await portIsFree(port)).toBe(true);
    console.log(
      `start failed with ${code}; afterwards: Redis clients 0, sockets+servers+timers ${handlesAfter} (before ${handlesBefore}), port ${port} free`,
    );
  });
});

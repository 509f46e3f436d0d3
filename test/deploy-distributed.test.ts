import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXAMPLE_QUERY } from '../gateway/cli/example-query.js';
import { issueToken } from '../gateway/auth/index.js';
import { TEST_DATABASE_URL, graphql, testConfig } from './support/mesh.js';
import { EXAMPLE_ANSWER } from './support/queries.js';

/**
 * `npm run start:distributed` for real: the launcher as a child process on free ports and the
 * machine's PostgreSQL, spawning five subgraph processes and two gateway replicas.
 */
const BIN = fileURLToPath(new URL('../gateway/cli/bin/meshgate.js', import.meta.url));

/** The gateways record lineage in the machine's Redis: under this run's own prefix, removed after. */
const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const LINEAGE_PREFIX = `meshgate-test:deploy-${process.pid}:`;
const QUALITY_PREFIX = `meshgate-test:{quality-deploy-${process.pid}}:`;

async function deleteKeys(prefix: string): Promise<void> {
  const redis = new Redis(REDIS_URL);
  try {
    for await (const keys of redis.scanStream({ match: `${prefix}*`, count: 500 })) {
      if ((keys as string[]).length > 0) await redis.unlink(...(keys as string[]));
    }
  } finally {
    redis.disconnect();
  }
}

/** A launcher process and everything it has written so far. */
class Launcher {
  readonly proc: ChildProcess;
  stdout = '';
  stderr = '';
  readonly exited: Promise<number | null>;

  constructor(env: Record<string, string>) {
    this.proc = spawn(process.execPath, [BIN, 'distributed', '--free-ports'], {
      // No entity cache: a product that dies must show in the answers (test/support/mesh.ts).
      env: {
        ...process.env,
        NODE_ENV: 'test',
        LOG_LEVEL: 'silent',
        HOST: '127.0.0.1',
        MESHGATE_CACHE: 'off',
        ...env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.proc.stdout?.on('data', (chunk: Buffer) => (this.stdout += chunk.toString()));
    this.proc.stderr?.on('data', (chunk: Buffer) => (this.stderr += chunk.toString()));
    this.exited = once(this.proc, 'close').then(([code]) => code as number | null);
  }

  /** Resolves when `pattern` appears in the output; fails if the launcher exits first. */
  async waitFor(pattern: RegExp, stream: 'stdout' | 'stderr'): Promise<RegExpMatchArray> {
    let exited = false;
    void this.exited.then(() => (exited = true));
    for (;;) {
      const match = this[stream].match(pattern);
      if (match) return match;
      if (exited) throw new Error(`launcher exited before ${pattern}:\n${this.stdout}\n${this.stderr}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}

/** The banner's `  NAME  URL  pid N` rows. */
function endpoints(banner: string): Map<string, { url: string; pid: number }> {
  const rows = [...banner.matchAll(/^ {2}(\S+)\s+(http:\/\/\S+)\s+pid (\d+)$/gm)];
  return new Map(rows.map(([, name, url, pid]) => [name!, { url: url!, pid: Number(pid) }]));
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('npm run start:distributed', () => {
  let launcher: Launcher;
  let processes: Map<string, { url: string; pid: number }>;
  const stateDir = mkdtempSync(join(tmpdir(), 'meshgate-deploy-'));

  beforeAll(async () => {
    launcher = new Launcher({
      DATABASE_URL: TEST_DATABASE_URL,
      REDIS_URL,
      LINEAGE_PREFIX,
      MESHGATE_QUALITY_PREFIX: QUALITY_PREFIX,
      MESHGATE_STATE_DIR: stateDir,
      SHUTDOWN_TIMEOUT_MS: '2000',
      LOG_LEVEL: 'error', // the launcher's "shutdown failed" line names the process it killed
    });
    await launcher.waitFor(/processes are up[\s\S]*redis:/, 'stdout');
    processes = endpoints(launcher.stdout);
  });
  afterAll(async () => {
    // Only when a test failed half-way: nothing of this run may outlive it.
    if (launcher.proc.exitCode === null) launcher.proc.kill('SIGKILL');
    for (const { pid } of processes?.values() ?? []) if (isAlive(pid)) process.kill(pid, 'SIGKILL');
    rmSync(stateDir, { recursive: true, force: true });
    await deleteKeys(LINEAGE_PREFIX);
    await deleteKeys(QUALITY_PREFIX);
  });

  it("runs each product's quality rules in its own process, into the store every replica reads", async () => {
    // No gateway holds a product's database here: each `meshgate subgraph` runs its own rules.
    const steward = issueToken(testConfig().security.auth, stateDir, {
      sub: 'stew',
      roles: ['data-steward'],
    });
    const history = async (replica: string) => {
      const url = new URL(
        '/admin/quality/history?product=orders&rule=orders-not-empty',
        processes.get(replica)!.url,
      );
      const response = await fetch(url, { headers: { authorization: `Bearer ${steward}` } });
      return ((await response.json()) as { history?: { measured: number; passed: boolean }[] }).history ?? [];
    };
    const deadline = Date.now() + 30_000;
    while ((await history('gateway-2')).length === 0 && Date.now() < deadline)
      await new Promise((resolve) => setTimeout(resolve, 250));
    for (const replica of ['gateway-1', 'gateway-2']) {
      const [latest] = await history(replica);
      expect(latest, replica).toMatchObject({ measured: 50_000, passed: true });
    }
  });

  it('starts five subgraph processes and two gateway replicas, each its own pid', () => {
    expect([...processes.keys()].sort()).toEqual(
      ['catalog', 'customers', 'gateway-1', 'gateway-2', 'orders', 'payments', 'shipping'].sort(),
    );
    const pids = new Set([...processes.values()].map((p) => p.pid));
    expect(pids.size).toBe(7);
    expect(pids.has(launcher.proc.pid!)).toBe(false);
  });

  it('gives each gateway replica its own state directory, with the shared development key', () => {
    const key = (dir: string) => readFileSync(join(dir, 'dev-signing-key'), 'utf8');
    expect(key(stateDir)).toMatch(/^[0-9a-f]{64}$/);
    expect(key(join(stateDir, 'gateway-1'))).toBe(key(stateDir));
    expect(key(join(stateDir, 'gateway-2'))).toBe(key(stateDir));
  });

  it('answers the example query identically on both gateway replicas', async () => {
    for (const replica of ['gateway-1', 'gateway-2']) {
      const { status, body } = await graphql(processes.get(replica)!.url, EXAMPLE_QUERY);
      expect(status).toBe(200);
      expect(body.errors).toBeUndefined();
      expect(body.data).toEqual(EXAMPLE_ANSWER);
    }
  });

  it('reports a process that dies by its name, and the gateways keep serving the rest', async () => {
    const payments = processes.get('payments')!;
    process.kill(payments.pid, 'SIGKILL');
    await launcher.waitFor(
      new RegExp(`meshgate distributed: payments \\(pid ${payments.pid}\\) exited: signal SIGKILL`),
      'stderr',
    );
    const { status, body } = await graphql<{ order: Record<string, unknown> }>(
      processes.get('gateway-2')!.url,
      EXAMPLE_QUERY,
    );
    expect(status).toBe(200);
    expect(body.data?.order).toMatchObject({ id: '42', customer: { name: 'Ken Turing', country: 'AT' } });
    expect(body.errors).toEqual([
      expect.objectContaining({
        extensions: expect.objectContaining({ code: 'SUBGRAPH_UNAVAILABLE', subgraph: 'payments' }),
      }),
    ]);
  });

  it('stops on SIGTERM within its bound even when a process hangs: the hung one is SIGKILLed and named', async () => {
    // gateway-1 frozen (SIGSTOP): it cannot act on SIGTERM, as a process stuck in a syscall or
    // paging. Each process has SHUTDOWN_TIMEOUT_MS=2000; the launcher waits that plus a margin
    // per group, then SIGKILLs what is left, and says so.
    process.kill(processes.get('gateway-1')!.pid, 'SIGSTOP');
    const started = Date.now();
    launcher.proc.kill('SIGTERM');
    expect(await launcher.exited).toBe(1);
    const elapsed = Date.now() - started;
    console.log(`distributed stop with gateway-1 hung: exit 1 after ${elapsed} ms`);
    // Bound: the gateways' group (2 s + 2 s margin), the subgraphs' (they stop at once), noise.
    expect(elapsed).toBeGreaterThanOrEqual(4_000);
    expect(elapsed).toBeLessThan(12_000);
    expect(launcher.stdout).toContain('did not stop cleanly: gateway-1 (signal SIGKILL)');
    expect([...processes].filter(([, p]) => isAlive(p.pid)).map(([name]) => name)).toEqual([]);
  });
});

describe('a process that cannot start', () => {
  it('is named with its reason, no gateway starts, and the launcher exits 1', async () => {
    // Port 1: nothing listens there, so every subgraph fails its database check at once.
    const launcher = new Launcher({ DATABASE_URL: 'postgres://postgres@127.0.0.1:1/test' });
    expect(await launcher.exited).toBe(1);
    expect(launcher.stderr).toMatch(
      /^meshgate: error\[PROCESS_EXITED\]: subgraph [a-z]+ exited before it was ready \(code 1: meshgate: error\[DATABASE_UNREACHABLE\]: cannot reach DATABASE_URL postgres:\/\/postgres@127\.0\.0\.1:1\/test/m,
    );
    expect(launcher.stdout).not.toContain('gateway-1 |');
  });
});

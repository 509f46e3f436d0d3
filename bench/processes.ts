import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';

/**
 * Child processes of the benchmark. Each runs detached in its own process group, so stopping
 * it stops whatever it forked too; every group still alive is killed when the harness exits,
 * however it exits.
 */

export interface ManagedProcess {
  readonly name: string;
  readonly pid: number;
  readonly child: ChildProcess;
  /** The last lines the process printed (stdout and stderr), for error reports. */
  output(): string;
  /** Resolves with the first capture group of the first output line matching `pattern`. */
  waitForLine(pattern: RegExp, timeoutMs: number): Promise<string>;
  exited(): boolean;
  /** SIGTERM to the group, SIGKILL after `graceMs`; resolves once the process is gone. */
  stop(graceMs?: number): Promise<void>;
}

const live = new Set<number>();
let hooked = false;

function hookExit(): void {
  if (hooked) return;
  hooked = true;
  const killAll = () => {
    for (const pid of live) killGroup(pid, 'SIGKILL');
    live.clear();
  };
  process.on('exit', killAll);
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.on(signal, () => {
      killAll();
      process.exit(130);
    });
  }
}

function killGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // The group is already gone.
  }
}

export function spawnProcess(
  name: string,
  command: string,
  args: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
): ManagedProcess {
  hookExit();
  const child = spawn(command, args, { env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  const pid = child.pid;
  if (pid === undefined) throw new Error(`${name}: could not spawn ${command}`);
  live.add(pid);
  let tail = '';
  let exitCode: number | null | undefined;
  const listeners = new Set<(line: string) => void>();
  let partial = '';
  const onData = (chunk: Buffer) => {
    const text = partial + chunk.toString('utf8');
    const lines = text.split('\n');
    partial = lines.pop() ?? '';
    for (const line of lines) {
      tail = (tail + line + '\n').slice(-8_000);
      for (const listener of listeners) listener(line);
    }
  };
  child.stdout?.on('data', onData);
  child.stderr?.on('data', onData);
  const exit = new Promise<void>((resolve) =>
    child.on('exit', (code) => {
      exitCode = code;
      live.delete(pid);
      resolve();
    }),
  );

  return {
    name,
    pid,
    child,
    output: () => (tail + partial).trim(),
    exited: () => exitCode !== undefined,
    waitForLine(pattern, timeoutMs) {
      return new Promise((resolve, reject) => {
        const timer = setTimeout(
          () => finish(new Error(`${name}: not ready after ${timeoutMs} ms`)),
          timeoutMs,
        );
        const onLine = (line: string) => {
          const match = pattern.exec(line);
          if (match) finish(null, match[1] ?? match[0]);
        };
        const onExit = () =>
          finish(new Error(`${name} exited (code ${String(exitCode)}): ${lastLines(tail + partial)}`));
        function finish(error: Error | null, value?: string) {
          clearTimeout(timer);
          listeners.delete(onLine);
          child.off('exit', onExit);
          if (error) reject(error);
          else resolve(value ?? '');
        }
        listeners.add(onLine);
        child.once('exit', onExit);
        for (const line of tail.split('\n')) onLine(line);
      });
    },
    async stop(graceMs = 10_000) {
      if (exitCode !== undefined) return;
      killGroup(pid, 'SIGTERM');
      const timer = setTimeout(() => killGroup(pid, 'SIGKILL'), graceMs);
      await exit;
      clearTimeout(timer);
      // Whatever the leader forked dies with it.
      killGroup(pid, 'SIGKILL');
    },
  };
}

/** The last few lines of a process's output: enough to say why it failed. */
export function lastLines(text: string, count = 3): string {
  return text.trim().split('\n').slice(-count).join(' | ').slice(0, 600);
}

/** A free TCP port from the OS (never in meshgate's default 4000-4010 range). */
export async function freePort(): Promise<number> {
  for (;;) {
    const port = await new Promise<number>((resolve, reject) => {
      const server = createServer();
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => {
        const address = server.address();
        const found = typeof address === 'object' && address !== null ? address.port : 0;
        server.close(() => resolve(found));
      });
    });
    if (port < 4000 || port > 4010) return port;
  }
}

/** Polls `url` with a trivial GraphQL operation until it answers 200. */
export async function waitForGraphQL(
  url: string,
  proc: ManagedProcess,
  headers: Readonly<Record<string, string>> = {},
  timeoutMs = 60_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = 'no answer';
  while (Date.now() < deadline) {
    if (proc.exited()) throw new Error(`${proc.name} exited: ${lastLines(proc.output())}`);
    try {
      const response = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: JSON.stringify({ query: '{ __typename }' }),
      });
      if (response.ok) return;
      last = `HTTP ${response.status}`;
    } catch (error) {
      last = (error as Error).message;
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`${proc.name} not ready at ${url} after ${timeoutMs} ms (${last})`);
}

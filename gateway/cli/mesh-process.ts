import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import type { Writable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { ErrorCode, StartupError } from '../common/errors.js';

/**
 * One meshgate process (`meshgate subgraph NAME`, `meshgate gateway`) run by the distributed
 * launcher: its output forwarded line by line under its name (as docker compose prints it),
 * its endpoint learnt from the line it prints once it listens, its readiness from `/ready`.
 */

export interface MeshProcess {
  /** A data product's name, or `gateway-1`, `gateway-2`, ... (compose's replica names). */
  readonly name: string;
  readonly role: 'subgraph' | 'gateway';
  readonly pid: number;
  /** Its GraphQL endpoint; `/health` and `/ready` sit beside it. */
  readonly url: string;
}

export interface ExitedProcess {
  readonly name: string;
  readonly pid: number;
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  /** The last line it wrote to stderr: usually `meshgate: error[CODE]: ...`. */
  readonly lastError: string | undefined;
}

/** Where a process's output goes; each line is prefixed with its name. */
export interface ProcessOutput {
  stdout?: Writable | undefined;
  stderr?: Writable | undefined;
}

const BIN = fileURLToPath(new URL('./bin/meshgate.js', import.meta.url));
/** The line `meshgate subgraph NAME` and `meshgate gateway` print once they listen. */
const STARTED_LINE = /^meshgate (?:subgraph [a-z][a-z0-9_-]*|gateway): (https?:\/\/\S+)$/;

export interface ChildProcessHandle {
  readonly name: string;
  readonly role: MeshProcess['role'];
  /** Set when the launcher asked it to stop: its exit is then expected. */
  stopping: boolean;
  readonly exited: Promise<ExitedProcess>;
  /** Resolves once it answers 200 on /ready; rejects when it exits first or takes too long. */
  ready(timeoutMs: number, abort: AbortSignal | undefined): Promise<MeshProcess>;
  /** Sends a signal unless it has exited already. */
  signal(signal: NodeJS.Signals): void;
}

export function spawnMeshProcess(
  name: string,
  role: MeshProcess['role'],
  args: string[],
  env: NodeJS.ProcessEnv,
  io: ProcessOutput,
): ChildProcessHandle {
  // Its own process group: a terminal's Ctrl-C reaches only the launcher, which stops the
  // processes in order (gateways first) instead of all of them racing to exit at once.
  const proc = spawn(process.execPath, [BIN, ...args], {
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  let lastError: string | undefined;
  let url: string | undefined;
  const prefix = `${name} | `;
  createInterface({ input: proc.stdout }).on('line', (line) => {
    url ??= STARTED_LINE.exec(line)?.[1];
    (io.stdout ?? process.stdout).write(`${prefix}${line}\n`);
  });
  createInterface({ input: proc.stderr }).on('line', (line) => {
    if (line.trim()) lastError = line.trim();
    (io.stderr ?? process.stderr).write(`${prefix}${line}\n`);
  });
  // 'close' comes after the output streams end, so the last error line is known by then.
  // `once` rejects when the process cannot be spawned at all ('error' before 'close').
  const exited = once(proc, 'close').then(
    ([code, signal]): ExitedProcess => ({
      name,
      pid: proc.pid ?? -1,
      code: code as number | null,
      signal: signal as NodeJS.Signals | null,
      lastError,
    }),
    (error: unknown): ExitedProcess => ({
      name,
      pid: proc.pid ?? -1,
      code: null,
      signal: null,
      lastError: error instanceof Error ? error.message : String(error),
    }),
  );
  let exitedSoFar: ExitedProcess | undefined;
  void exited.then((exit) => (exitedSoFar = exit));

  const child: ChildProcessHandle = {
    name,
    role,
    stopping: false,
    exited,
    signal(signal) {
      if (!exitedSoFar) proc.kill(signal);
    },
    async ready(timeoutMs, abort) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        abort?.throwIfAborted();
        if (exitedSoFar) {
          throw new StartupError(
            ErrorCode.PROCESS_EXITED,
            `${role} ${name} exited before it was ready (${describeExit(exitedSoFar)})`,
          );
        }
        if (url && (await isReady(url))) return { name, role, pid: proc.pid ?? -1, url };
        if (Date.now() > deadline) {
          throw new StartupError(ErrorCode.NOT_READY, `${role} ${name} was not ready within ${timeoutMs} ms`);
        }
        await Promise.race([sleep(200), exited]);
      }
    },
  };
  return child;
}

async function isReady(url: string): Promise<boolean> {
  try {
    const response = await fetch(new URL('/ready', url), { signal: AbortSignal.timeout(2_000) });
    return response.status === 200;
  } catch {
    return false;
  }
}

/** `code 1: meshgate: error[DATABASE_UNREACHABLE]: ...`, `signal SIGKILL`. */
export function describeExit(exit: ExitedProcess): string {
  const how = exit.signal ? `signal ${exit.signal}` : `code ${exit.code}`;
  return exit.lastError ? `${how}: ${exit.lastError}` : how;
}

/** A process stopped cleanly when it exited 0 (meshgate's processes do on SIGTERM). */
export function stoppedCleanly(exit: ExitedProcess): boolean {
  return exit.code === 0;
}

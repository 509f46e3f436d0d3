import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';

export interface RunningScaffoldedProduct {
  readonly url: string;
  readonly output: readonly string[];
  stop(): Promise<void>;
}

/**
 * A product made by `meshgate product new` (standalone), run as its team runs it: `node
 * server.mjs` in its own directory with its own node_modules. Resolves once it prints the
 * line with its URL; rejects when it exits first or `timeoutMs` passes.
 */
export async function startScaffoldedProduct(
  dir: string,
  env: Record<string, string>,
  timeoutMs = 30_000,
): Promise<RunningScaffoldedProduct> {
  const child = spawn(process.execPath, ['server.mjs'], {
    cwd: dir,
    env: { PATH: process.env.PATH ?? '', HOST: '127.0.0.1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output: string[] = [];
  const exited = once(child, 'close');
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      await exited;
    }
  };
  createInterface({ input: child.stderr }).on('line', (line) => output.push(line));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`no URL within ${timeoutMs} ms: ${output.join('\n')}`)),
      timeoutMs,
    );
    createInterface({ input: child.stdout }).on('line', (line) => {
      output.push(line);
      const match = / listening at (http\S+)$/.exec(line);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]!);
      }
    });
    void exited.then(() => {
      clearTimeout(timer);
      reject(new Error(`exited before it listened: ${output.join('\n')}`));
    });
  }).catch(async (error: unknown) => {
    await stop();
    throw error;
  });
  return { url, output, stop };
}

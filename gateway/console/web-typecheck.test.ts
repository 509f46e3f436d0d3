import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/**
 * The browser code needs the DOM library, which the root tsconfig leaves out (Node's and the
 * DOM's fetch types disagree): it has its own tsconfig, checked here so `npm test` checks it.
 */
describe("the console's browser code", () => {
  it('type-checks with gateway/console/web/tsconfig.json', async () => {
    const tsc = fileURLToPath(new URL('../../node_modules/typescript/bin/tsc', import.meta.url));
    const run = await promisify(execFile)(
      process.execPath,
      [tsc, '--noEmit', '-p', 'gateway/console/web/tsconfig.json'],
      {
        cwd: ROOT,
      },
    ).then(
      () => ({ code: 0, output: '' }),
      (error: { code: number; stdout: string }) => ({ code: error.code, output: error.stdout }),
    );
    expect(run.output).toBe('');
    expect(run.code).toBe(0);
  }, 120_000);
});

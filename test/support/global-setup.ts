import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { missingTemplates } from './pglite-templates.js';

const WRITER = fileURLToPath(new URL('./write-pglite-templates.ts', import.meta.url));

/**
 * Vitest's global setup: the seeded PGlite templates every in-memory test mesh starts from
 * (pglite-templates.ts), written once before any test file runs. Seeding is single-threaded
 * PGlite work, so the missing products are split between two processes, one per core.
 */
export default async function setup(): Promise<void> {
  const missing = missingTemplates();
  const halves = [missing.filter((_, i) => i % 2 === 0), missing.filter((_, i) => i % 2 === 1)];
  await Promise.all(
    halves
      .filter((names) => names.length > 0)
      .map(async (names) => {
        const child = spawn(process.execPath, ['--import', 'tsx', WRITER, ...names], {
          stdio: ['ignore', 'inherit', 'inherit'],
        });
        const [code] = (await once(child, 'exit')) as [number | null];
        if (code !== 0)
          throw new Error(`seeding the PGlite templates of ${names.join(', ')} exited with ${code}`);
      }),
  );
}

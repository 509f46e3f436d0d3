import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const BUILD = fileURLToPath(new URL('../../gateway/cli/bin/build.mjs', import.meta.url));

/**
 * Vitest's global setup for every project: the `meshgate` processes the tests start run the
 * compiled JavaScript, as an installed package does, so dist/ is compiled from the sources
 * under test first (about a second; esbuild, file by file).
 */
export default function setup(): void {
  // Both projects list this setup; they run in one vitest process, which compiles once.
  if (process.env.MESHGATE_DIST_COMPILED === '1') return;
  execFileSync(process.execPath, [BUILD], { stdio: 'inherit' });
  process.env.MESHGATE_DIST_COMPILED = '1';
}

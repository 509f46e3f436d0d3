#!/usr/bin/env node
// Compiles meshgate's TypeScript to JavaScript in dist/, file by file (no bundle), so the
// `meshgate` command runs plain JavaScript with no TypeScript loader at run time. Plain
// JavaScript itself, so it runs before anything is compiled (npm's `prepare`, `npm start`).
//
// dist/ mirrors the tree: dist/gateway/server.js is gateway/server.ts. Every file reads its
// assets (SDL, contracts, SQL, policies, the console's browser sources) where the sources are,
// not from dist/: `import.meta.url` is rewritten to the URL of the file's TypeScript source,
// worked out from its own location, so an installed package and a checkout both work and a
// change to a policy file or a contract never needs a rebuild.
import { existsSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const OUT = join(ROOT, 'dist');
/** What runs in Node: the platform, the example mesh and its launchers, the governance tooling. */
const SOURCES = ['gateway', 'subgraphs', 'schema', 'policies'];

const sources = SOURCES.flatMap((dir) =>
  readdirSync(join(ROOT, dir), { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith('.ts'))
    .map((entry) => join(entry.parentPath ?? entry.path, entry.name))
    // Tests and declaration files are not shipped; the console's browser code is bundled for
    // the browser by the gateway itself (console/server/build.ts), from its sources.
    .filter((file) => !file.endsWith('.test.ts') && !file.endsWith('.d.ts'))
    .filter((file) => !relative(ROOT, file).startsWith(join('gateway', 'console', 'web'))),
);

const started = performance.now();
// Compiled aside, then swapped in with two renames: a `meshgate` started meanwhile (a test, a
// developer's terminal) finds the old dist/ or the new one, never a half-written one.
const NEXT = `${OUT}.next-${process.pid}`;
const OLD = `${OUT}.old-${process.pid}`;
rmSync(NEXT, { recursive: true, force: true });
await build({
  entryPoints: sources,
  outdir: NEXT,
  outbase: ROOT,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  bundle: false,
  sourcemap: 'linked',
  logLevel: 'warning',
  define: { 'import.meta.url': '__meshgateSourceUrl' },
  // dist/<path>.js → <path>.ts: the last /dist/ of the file's own URL is where the tree starts.
  banner: {
    js: "const __meshgateSourceUrl = ((url) => { const at = url.lastIndexOf('/dist/'); return url.slice(0, at) + url.slice(at + 5).replace(/\\.js$/, '.ts'); })(import.meta.url);",
  },
});
if (existsSync(OUT)) renameSync(OUT, OLD);
renameSync(NEXT, OUT);
rmSync(OLD, { recursive: true, force: true });
if (process.argv.includes('--verbose'))
  console.log(`meshgate: compiled ${sources.length} files to dist/ in ${Math.round(performance.now() - started)} ms`);

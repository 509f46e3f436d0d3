import { createHash } from 'node:crypto';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { readFile, rename, rm, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, version as esbuildVersion } from 'esbuild';

/** The browser code: gateway/console/web/, two entry points (the console, GraphiQL). */
export const WEB_DIR = fileURLToPath(new URL('../web/', import.meta.url));
const ENTRIES = { console: 'main.tsx', graphiql: 'graphiql.tsx' } as const;

/** What a build wrote: the files /console/assets/ may serve, and when. */
export interface ConsoleBundle {
  readonly dir: string;
  readonly files: readonly string[];
  readonly builtAt: string;
  readonly buildMs: number;
}

const building = new Map<string, Promise<ConsoleBundle>>();

/**
 * The console's bundle, built with esbuild when it is missing or older than its sources, so
 * `npm install && npm start` is all a newcomer runs (package.json has no build step, and
 * Docker's tree is read-only: the bundle goes under the state directory, which is writable
 * and git-ignored). A build takes about a second. Each version of the sources gets its own
 * directory, written under a temporary name and renamed into place, so gateways starting at
 * once (tests, replicas) never serve half a bundle; within a process one build is shared.
 */
export function consoleBundle(stateDir: string): Promise<ConsoleBundle> {
  const root = join(stateDir, 'console');
  const dir = join(root, sourcesKey());
  let pending = building.get(dir);
  if (!pending) {
    pending = readManifest(dir).then((found) => found ?? buildInto(root, dir));
    building.set(dir, pending);
    pending.catch(() => building.delete(dir));
  }
  return pending;
}

async function buildInto(root: string, dir: string): Promise<ConsoleBundle> {
  const started = performance.now();
  const temporary = `${dir}.${process.pid}.${Date.now()}.tmp`;
  const result = await build({
    entryPoints: Object.fromEntries(
      Object.entries(ENTRIES).map(([name, file]) => [name, join(WEB_DIR, file)]),
    ),
    outdir: temporary,
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: ['es2022'],
    minify: true,
    jsx: 'automatic',
    // React and GraphiQL read it to drop their development checks.
    define: { 'process.env.NODE_ENV': '"production"' },
    loader: { '.woff': 'file', '.woff2': 'file', '.ttf': 'file', '.svg': 'file', '.png': 'file' },
    assetNames: '[name]-[hash]',
    metafile: true,
    logLevel: 'silent',
  });
  const files = Object.keys(result.metafile.outputs).map((output) => basename(output));
  const bundle: ConsoleBundle = {
    dir,
    files,
    builtAt: new Date().toISOString(),
    buildMs: Math.round(performance.now() - started),
  };
  await writeFile(join(temporary, 'manifest.json'), JSON.stringify(bundle, null, 2));
  try {
    await rename(temporary, dir);
  } catch (error) {
    // Another process put the same version in place first: serve that one.
    await rm(temporary, { recursive: true, force: true });
    const theirs = await readManifest(dir);
    if (!theirs) throw error;
    return theirs;
  }
  await removeOlderBuilds(root, basename(dir));
  return bundle;
}

async function readManifest(dir: string): Promise<ConsoleBundle | null> {
  try {
    const manifest = JSON.parse(await readFile(join(dir, 'manifest.json'), 'utf8')) as ConsoleBundle;
    return { ...manifest, dir };
  } catch {
    return null;
  }
}

/** A build's identity: every source file's path, size and mtime, and esbuild's version. */
function sourcesKey(): string {
  const hash = createHash('sha256').update(esbuildVersion);
  for (const file of sourceFiles(WEB_DIR)) {
    const { size, mtimeMs } = statSync(file);
    hash.update(`${file}\0${size}\0${mtimeMs}\n`);
  }
  // A dependency upgrade (npm install) changes the lockfile: rebuild.
  const lock = fileURLToPath(new URL('../../../package-lock.json', import.meta.url));
  if (existsSync(lock)) hash.update(String(statSync(lock).mtimeMs));
  return hash.digest('hex').slice(0, 16);
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .flatMap((entry) => (entry.isDirectory() ? sourceFiles(join(dir, entry.name)) : [join(dir, entry.name)]))
    .filter((file) => /\.(tsx?|css)$/.test(file) && !file.endsWith('.test.ts'))
    .sort();
}

async function removeOlderBuilds(root: string, keep: string): Promise<void> {
  for (const entry of readdirSync(root)) {
    if (entry === keep || entry.endsWith('.tmp')) continue;
    await rm(join(root, entry), { recursive: true, force: true }).catch(() => undefined);
  }
}

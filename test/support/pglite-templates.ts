import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { dataProducts } from '../../subgraphs/index.js';
import type { DataProduct } from '../../subgraphs/kit/data-product.js';
import { openDatabase } from '../../subgraphs/kit/database.js';
import { ensureSeeded, seedHash } from '../../subgraphs/kit/seed.js';

/**
 * Seeded PGlite data directories the tests start their in-memory meshes from (MeshOptions.templates).
 * Seeding the 50,000-order world costs about 45 s of CPU in PGlite; the suite starts several
 * meshes, and each worker of the e2e project its own shared one, so the world is seeded once
 * (in the global setup, test/support/global-setup.ts) and every mesh loads a copy.
 *
 * The files are kept in the repository's state directory (gitignored), named after what they
 * hold: the product's seed scripts and the PGlite version. A changed seed makes a new name.
 */
const TEMPLATE_DIR = fileURLToPath(new URL('../../.meshgate/test-pglite/', import.meta.url));

/** The installed PGlite's version: its data directory format may change with it. */
const PGLITE_VERSION = (
  JSON.parse(
    readFileSync(new URL('../../node_modules/@electric-sql/pglite/package.json', import.meta.url), 'utf8'),
  ) as { version: string }
).version;

function templateFile(product: DataProduct): string {
  const key = createHash('sha256').update(PGLITE_VERSION).update(seedHash(product.sql)).digest('hex');
  return join(TEMPLATE_DIR, `${product.name}-${key.slice(0, 16)}.tar`);
}

/** Seeds the named products (all by default) into fresh PGlite databases and saves their data directories. */
export async function writeTemplates(
  names: readonly string[] = dataProducts.map((p) => p.name),
): Promise<void> {
  mkdirSync(TEMPLATE_DIR, { recursive: true });
  for (const product of dataProducts.filter((p) => names.includes(p.name))) {
    const file = templateFile(product);
    const db = await openDatabase({ schema: product.name });
    try {
      await ensureSeeded(db, product.sql);
      const dump = await db.dumpDataDir!();
      // Written aside, then renamed: a reader never sees half a file.
      const partial = `${file}.${process.pid}.partial`;
      writeFileSync(partial, new Uint8Array(await dump.arrayBuffer()));
      renameSync(partial, file);
    } finally {
      await db.close();
    }
  }
}

/** The products whose template is missing (seed changed, or never written). */
export function missingTemplates(): string[] {
  return dataProducts.filter((p) => !readable(templateFile(p))).map((p) => p.name);
}

let loaded: ReadonlyMap<string, Blob> | undefined;

/** Every product's template, read once per worker; a missing one is simply seeded by its mesh. */
export function pgliteTemplates(): ReadonlyMap<string, Blob> {
  loaded ??= new Map(
    dataProducts.flatMap((p) => {
      const bytes = readable(templateFile(p));
      return bytes ? [[p.name, new Blob([new Uint8Array(bytes)])] as const] : [];
    }),
  );
  return loaded;
}

function readable(file: string): Buffer | undefined {
  try {
    return readFileSync(file);
  } catch {
    return undefined;
  }
}

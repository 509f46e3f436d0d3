import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { Database } from './database.js';

export interface SeedScripts {
  /** The domain's tables (schema.sql). */
  ddl: string;
  /** Deterministic rows (seed.sql). */
  seed: string;
}

/** The shared deterministic world every domain seeds its slice of (see the file's header). */
const SEED_WORLD = readFileSync(new URL('./seed-world.sql', import.meta.url), 'utf8');

/** What a seeded schema records of its scripts: a change to any of them seeds it anew. */
export function seedHash(scripts: SeedScripts): string {
  return createHash('sha256')
    .update(SEED_WORLD)
    .update(scripts.ddl)
    .update('\0')
    .update(scripts.seed)
    .digest('hex');
}

/**
 * Creates and seeds the domain's schema on first start, and again whenever schema.sql or
 * seed.sql change (their hash is kept in `_meshgate_seed`). An advisory lock makes replicas
 * that start together seed once: the second waits, then finds the hash and leaves the data be.
 */
export async function ensureSeeded(db: Database, scripts: SeedScripts): Promise<'seeded' | 'present'> {
  const hash = seedHash(scripts);
  return db.transaction(async (tx) => {
    await tx.query(`SELECT pg_advisory_xact_lock(hashtext($1))`, [`meshgate-seed:${db.schema}`]);
    const [present] = await tx.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM information_schema.tables WHERE table_schema = $1 AND table_name = '_meshgate_seed'`,
      [db.schema],
    );
    if (present && present.n > 0) {
      const [row] = await tx.query<{ hash: string }>(`SELECT hash FROM ${db.schema}._meshgate_seed LIMIT 1`);
      if (row?.hash === hash) return 'present';
    }
    await tx.exec(
      `DROP SCHEMA IF EXISTS ${db.schema} CASCADE;
       CREATE SCHEMA ${db.schema};
       SET LOCAL search_path TO ${db.schema};
       ${SEED_WORLD}
       ${scripts.ddl}
       ${scripts.seed}
       CREATE TABLE _meshgate_seed (hash text NOT NULL, seeded_at timestamptz NOT NULL DEFAULT now());
       INSERT INTO _meshgate_seed (hash) VALUES ('${hash}');`,
    );
    // Statistics for the planner, on this domain's tables only: a bare ANALYZE would lock
    // every other domain's tables too, and two domains seeding at once would deadlock.
    const tables = await tx.query<{ name: string }>(
      `SELECT tablename AS name FROM pg_tables WHERE schemaname = $1`,
      [db.schema],
    );
    for (const table of tables) await tx.exec(`ANALYZE ${db.schema}.${table.name}`);
    return 'seeded';
  });
}

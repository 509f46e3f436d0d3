import type { ReadableDatabase } from './readable-database.js';

/**
 * Runs one statement of the platform's on a product's database as a reader: in a READ ONLY
 * transaction, in the product's own schema (`SET LOCAL search_path`), under a statement
 * timeout. Postgres refuses any write there — a DML statement, a data-modifying CTE, DDL,
 * nextval() — with "cannot execute … in a read-only transaction", on PostgreSQL and PGlite
 * alike. The settings are LOCAL: they end with the transaction, the pool's connection is
 * left as it was.
 */
export async function readOnlyQuery<Row>(
  db: ReadableDatabase,
  sql: string,
  params: readonly unknown[],
  statementTimeoutMs: number,
): Promise<Row[]> {
  if (!/^[a-z_][a-z0-9_]*$/.test(db.schema)) throw new Error(`invalid schema name "${db.schema}"`);
  const timeout = Math.max(1, Math.floor(statementTimeoutMs));
  return db.transaction(async (tx) => {
    await tx.query('SET TRANSACTION READ ONLY');
    await tx.query(`SET LOCAL search_path TO "${db.schema}"`);
    await tx.query(`SET LOCAL statement_timeout = ${timeout}`);
    return tx.query<Row>(sql, params);
  });
}

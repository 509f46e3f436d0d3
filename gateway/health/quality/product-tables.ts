import type { ReadableDatabase } from './readable-database.js';
import { readOnlyQuery } from './read-only.js';

/** The product's own tables and their columns: what a rule may name. */
export type ProductTables = ReadonlyMap<string, ReadonlySet<string>>;

/**
 * Read like every statement of the runner's: in a read-only transaction, which also keeps it
 * out of `db.stats.statements` (the resolvers' count, which the batching tests assert).
 */
export async function productTables(
  db: ReadableDatabase,
  statementTimeoutMs: number,
): Promise<ProductTables> {
  const rows = await readOnlyQuery<{ table_name: string; column_name: string }>(
    db,
    `SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = $1`,
    [db.schema],
    statementTimeoutMs,
  );
  const tables = new Map<string, Set<string>>();
  for (const row of rows) {
    const columns = tables.get(row.table_name) ?? new Set<string>();
    columns.add(row.column_name);
    tables.set(row.table_name, columns);
  }
  return tables;
}

import { ErrorCode, StartupError } from '../../common/errors.js';
import type { ReadableDatabase } from './readable-database.js';
import { productSla, type DataProductDescriptor, type FreshnessReading } from '../../protocol/index.js';
import { productTables } from './product-tables.js';
import { readOnlyQuery } from './read-only.js';

/**
 * Reads the newest value of the product's freshness element (`table.column`, from its
 * contract's freshness SLA) and its lag behind now. Null for a product that declares no
 * element. The element is checked against the product's own columns before it is named in SQL.
 */
export async function probeFreshness(
  descriptor: DataProductDescriptor,
  db: ReadableDatabase,
  options: { statementTimeoutMs: number; now?: () => Date },
): Promise<FreshnessReading | null> {
  const { element, maxLagSeconds } = productSla(descriptor).freshness;
  if (!element) return null;
  const now = (options.now ?? (() => new Date()))();
  const reading = { product: descriptor.name, element, maxLagSeconds, at: now.toISOString() };
  try {
    const [table, column] = element.split('.') as [string, string];
    const columns = (await productTables(db, options.statementTimeoutMs)).get(table);
    if (!columns?.has(column))
      throw new StartupError(
        ErrorCode.QUALITY_RULE_INVALID,
        `freshness element ${element}: the product has no such table.column`,
      );
    const [row] = await readOnlyQuery<{ newest: Date | string | null }>(
      db,
      `SELECT max("${column}") AS newest FROM "${table}"`,
      [],
      options.statementTimeoutMs,
    );
    if (row?.newest === null || row?.newest === undefined)
      return { ...reading, newest: null, lagSeconds: null };
    const newest = new Date(row.newest);
    if (Number.isNaN(newest.getTime())) throw new Error(`freshness element ${element} is not a timestamp`);
    return {
      ...reading,
      newest: newest.toISOString(),
      lagSeconds: Math.max(0, Math.round((now.getTime() - newest.getTime()) / 1_000)),
    };
  } catch (cause) {
    const message =
      cause instanceof StartupError ? `${cause.code}: ${cause.message}` : (cause as Error).message;
    return { ...reading, newest: null, lagSeconds: null, error: message };
  }
}

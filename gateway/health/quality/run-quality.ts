import { StartupError } from '../../common/errors.js';
import type { ReadableDatabase } from './readable-database.js';
import type { DataProductDescriptor, QualityResult, QualityRule } from '../../protocol/index.js';
import { compileLibraryRule } from './compile-rule.js';
import { productTables, type ProductTables } from './product-tables.js';
import { readOnlyQuery } from './read-only.js';
import { assertSingleSelect } from './sql-guard.js';
import { meets, thresholdText } from './threshold.js';

export interface QualityRunOptions {
  /** Bound of each rule's statement (SET LOCAL statement_timeout). */
  readonly statementTimeoutMs: number;
  readonly now?: () => Date;
}

/**
 * Runs a product's quality rules against its own database, one result per rule, in contract
 * order. A rule that cannot run (an unknown column, a refused query, a timeout) fails with
 * `error` set and `measured` null; the others still run.
 */
export async function runQuality(
  descriptor: DataProductDescriptor,
  db: ReadableDatabase,
  options: QualityRunOptions,
): Promise<QualityResult[]> {
  const now = options.now ?? (() => new Date());
  let tables: ProductTables | undefined;
  const results: QualityResult[] = [];
  for (const rule of descriptor.quality) {
    const started = performance.now();
    let measured: number | null = null;
    let error: string | undefined;
    try {
      tables ??= await productTables(db, options.statementTimeoutMs);
      measured = await measure(rule, db, tables, options.statementTimeoutMs);
    } catch (cause) {
      error =
        cause instanceof StartupError
          ? `${cause.code}: ${cause.message}`
          : (cause as Error).message || String(cause);
    }
    results.push({
      product: descriptor.name,
      ruleId: rule.id,
      dimension: rule.dimension,
      metric: rule.type === 'sql' ? 'sql' : rule.metric,
      measured,
      threshold: thresholdText(rule.threshold),
      passed: measured !== null && meets(measured, rule.threshold),
      severity: rule.severity,
      durationMs: Math.round((performance.now() - started) * 100) / 100,
      at: now().toISOString(),
      ...(error !== undefined && { error }),
    });
  }
  return results;
}

async function measure(
  rule: QualityRule,
  db: ReadableDatabase,
  tables: ProductTables,
  timeoutMs: number,
): Promise<number> {
  if (rule.type === 'sql') {
    const query = assertSingleSelect(rule.query, `rule ${rule.id} (${rule.pointer}/query)`);
    // A subquery holds exactly one SELECT: a second statement or a data-modifying CTE does not parse.
    const rows = await readOnlyQuery<Record<string, unknown>>(
      db,
      `SELECT * FROM (${query}) AS rule_result LIMIT 2`,
      [],
      timeoutMs,
    );
    const value = rows.length === 1 ? Object.values(rows[0]!)[0] : undefined;
    const number = typeof value === 'string' || typeof value === 'bigint' ? Number(value) : value;
    if (typeof number !== 'number' || !Number.isFinite(number))
      throw new Error(
        `rule ${rule.id}: the custom sql query must return one row with one number, got ${rows.length} row(s)`,
      );
    return number;
  }
  const compiled = compileLibraryRule(rule, tables);
  const [row] = await readOnlyQuery<{ bad: number; total: number }>(
    db,
    compiled.sql,
    compiled.params,
    timeoutMs,
  );
  const bad = Number(row?.bad ?? 0);
  const total = Number(row?.total ?? 0);
  if (rule.unit === 'percent' && rule.metric !== 'rowCount')
    return total === 0 ? 0 : Math.round((bad / total) * 100 * 10_000) / 10_000;
  return bad;
}

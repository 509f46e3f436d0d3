import { ErrorCode, StartupError } from '../../common/errors.js';
import type { ProductTables } from './product-tables.js';
import type { LibraryRule } from '../../protocol/index.js';

/** A library rule as one statement: `bad` rows of `total`, with its parameters. */
export interface CompiledRule {
  readonly sql: string;
  readonly params: readonly unknown[];
}

/**
 * Compiles an ODCS library metric to SQL. The only identifiers in the SQL are the rule's table
 * and column, and only after they are found among the product's own tables and columns; every
 * value of the contract (valid values, missing values, a pattern) is a bound parameter. No
 * contract text ever becomes SQL here.
 */
export function compileLibraryRule(rule: LibraryRule, tables: ProductTables): CompiledRule {
  const where = `rule ${rule.id} (${rule.pointer})`;
  const columns = rule.table === null ? undefined : tables.get(rule.table);
  if (!columns)
    throw new StartupError(
      ErrorCode.QUALITY_RULE_INVALID,
      `${where}: the product has no table ${JSON.stringify(rule.table)} (it has ${[...tables.keys()].sort().join(', ')})`,
    );
  const table = quote(rule.table!);
  if (rule.metric === 'rowCount')
    return { sql: `SELECT count(*)::float8 AS bad, count(*)::float8 AS total FROM ${table}`, params: [] };
  if (rule.column === null || !columns.has(rule.column))
    throw new StartupError(
      ErrorCode.QUALITY_RULE_INVALID,
      `${where}: table ${rule.table} has no column ${JSON.stringify(rule.column)}`,
    );
  const column = quote(rule.column);
  const count = (condition: string, params: unknown[] = []): CompiledRule => ({
    sql: `SELECT count(*) FILTER (WHERE ${condition})::float8 AS bad, count(*)::float8 AS total FROM ${table}`,
    params,
  });
  switch (rule.metric) {
    case 'nullValues':
      return count(`${column} IS NULL`);
    case 'missingValues':
      return count(`${column} IS NULL OR ${column}::text = ANY($1::text[])`, [
        (rule.arguments.missingValues ?? []).map(String),
      ]);
    case 'invalidValues': {
      const params: unknown[] = [];
      const invalid: string[] = [];
      if (rule.arguments.validValues) {
        params.push(rule.arguments.validValues.map(String));
        invalid.push(`NOT (${column}::text = ANY($${params.length}::text[]))`);
      }
      if (rule.arguments.pattern !== undefined) {
        params.push(rule.arguments.pattern);
        invalid.push(`${column}::text !~ $${params.length}`);
      }
      return count(`${column} IS NOT NULL AND (${invalid.join(' OR ')})`, params);
    }
    case 'duplicateValues':
      return {
        sql: `SELECT (count(${column}) - count(DISTINCT ${column}))::float8 AS bad, count(*)::float8 AS total FROM ${table}`,
        params: [],
      };
    default: {
      const never: never = rule.metric;
      throw new Error(`unknown metric ${String(never)}`);
    }
  }
}

/** Only names that passed the product's catalogue reach here; quoting keeps them exact. */
function quote(identifier: string): string {
  if (!/^[a-z_][a-z0-9_]*$/.test(identifier))
    throw new StartupError(
      ErrorCode.QUALITY_RULE_INVALID,
      `${JSON.stringify(identifier)} is not a plain SQL identifier`,
    );
  return `"${identifier}"`;
}

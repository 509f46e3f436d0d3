import { ErrorCode, MeshgateGraphQLError } from '../../gateway/common/errors.js';
import {
  predicateFields,
  type CompareOperator,
  type RowFilterClaim,
  type RowFilterClaims,
  type RowPredicate,
} from '../../gateway/protocol/index.js';
import type { SqlWhere } from './sql.js';

/**
 * Row filters in a data product: the gateway sends, in the signed context token, the typed
 * predicates this product must apply (gateway/protocol/row-filter.ts); the kit compiles them to
 * parameterised SQL over the columns the product declares filterable. Values only ever travel
 * as parameters; column names come from the product's own code, never from the token.
 *
 * A product declares, per type, the columns a filter may read (`RowFilterTargets`); a request
 * carrying a filter on any other type or field is refused whole (ROW_FILTER_UNENFORCEABLE),
 * never answered unfiltered.
 */

/** GraphQL field → SQL column (as the product's statements name it), per filterable type. */
export type RowFilterTargets = Readonly<Record<string, Readonly<Record<string, string>>>>;

/** Why this product cannot enforce a request's filters; undefined when it can. */
export function unenforceable(
  filters: readonly RowFilterClaim[],
  targets: RowFilterTargets,
): string | undefined {
  for (const filter of filters) {
    const columns = targets[filter.type];
    if (!columns)
      return `rule ${filter.rule} filters ${filter.type}, which this data product does not filter`;
    const missing = [...predicateFields(filter.where)].filter((f) => !(f in columns));
    if (missing.length)
      return `rule ${filter.rule} filters ${filter.type} by ${missing.join(', ')}, which this data product cannot filter on`;
  }
  return undefined;
}

/** The filters of one request, for one product. */
export class RowFilters {
  static readonly NONE = new RowFilters([], {});

  constructor(
    private readonly filters: readonly RowFilterClaim[],
    private readonly targets: RowFilterTargets,
  ) {}

  static of(claims: RowFilterClaims, subgraph: string, targets: RowFilterTargets): RowFilters {
    const mine = claims[subgraph] ?? [];
    return mine.length ? new RowFilters(mine, targets) : RowFilters.NONE;
  }

  /** The combined filter on `type`, or undefined when no filter applies to it. */
  for(type: string): TypeRowFilter | undefined {
    const applying = this.filters.filter((f) => f.type === type);
    if (applying.length === 0) return undefined;
    const columns = this.targets[type] ?? {};
    return {
      type,
      rules: applying.map((f) => f.rule),
      sql: (param) => applying.map((f) => `(${compilePredicate(f.where, columns, param)})`).join(' AND '),
    };
  }
}

/** Every filter on a type must hold (each narrows). */
export interface TypeRowFilter {
  readonly type: string;
  readonly rules: readonly string[];
  /** The condition, registering its values with `param` (SqlWhere.param) as it goes. */
  sql(param: (value: unknown) => string): string;
}

/** Narrows a list statement: adds the filter to its WHERE. */
export function applyRowFilter(where: SqlWhere, filter: TypeRowFilter | undefined): SqlWhere {
  return filter ? where.addCondition((param) => filter.sql(param)) : where;
}

/**
 * For a lookup by key (a reference, `_entities`): a select-list column that is true when the
 * row passes, so that a row outside the filter can be told from one that does not exist.
 */
export function visibleColumn(filter: TypeRowFilter | undefined, param: (value: unknown) => string): string {
  return `${filter ? `COALESCE((${filter.sql(param)}), false)` : 'true'} AS row_visible`;
}

/** A looked-up row the filter hides: ROW_FILTERED at the field's path, naming the rule(s). */
export function rowFiltered(filter: TypeRowFilter, key: string): MeshgateGraphQLError {
  const rule = filter.rules.join(', ');
  return new MeshgateGraphQLError(
    ErrorCode.ROW_FILTERED,
    `${filter.type} ${key} is outside the principal's row filter (rule ${rule})`,
    { type: filter.type, rule },
  );
}

/** A row of a lookup: null when absent; throws ROW_FILTERED when the filter hides it. */
export function visibleRow<Row extends { row_visible: boolean }>(
  row: Row | null,
  filter: TypeRowFilter | undefined,
  key: string,
): Row | null {
  if (row && !row.row_visible && filter) throw rowFiltered(filter, key);
  return row;
}

const SQL_OPERATORS: Readonly<Record<CompareOperator, string>> = {
  eq: '=',
  ne: '<>',
  lt: '<',
  le: '<=',
  gt: '>',
  ge: '>=',
};

/** The predicate as SQL over `columns`; values become parameters. */
export function compilePredicate(
  predicate: RowPredicate,
  columns: Readonly<Record<string, string>>,
  param: (value: unknown) => string,
): string {
  const column = (field: string): string => {
    const name = columns[field];
    if (name === undefined) throw new Error(`no column for ${field}`); // unenforceable() refused it before
    return name;
  };
  switch (predicate.kind) {
    case 'const':
      return predicate.value ? 'TRUE' : 'FALSE';
    case 'compare': {
      const c = column(predicate.field);
      // SQL's = NULL is never true: CEL's == null means IS NULL.
      if (predicate.value === null)
        return predicate.op === 'eq' ? `${c} IS NULL` : predicate.op === 'ne' ? `${c} IS NOT NULL` : 'FALSE';
      return `${c} ${SQL_OPERATORS[predicate.op]} ${param(predicate.value)}`;
    }
    case 'in': {
      const c = column(predicate.field);
      const values = predicate.values.filter((v) => v !== null);
      const parts: string[] = [];
      if (values.length) parts.push(`${c} = ANY(${param(values)})`);
      if (values.length < predicate.values.length) parts.push(`${c} IS NULL`);
      return parts.length ? parts.join(' OR ') : 'FALSE';
    }
    case 'and':
    case 'or':
      return predicate.of.length
        ? predicate.of
            .map((p) => `(${compilePredicate(p, columns, param)})`)
            .join(predicate.kind === 'and' ? ' AND ' : ' OR ')
        : predicate.kind === 'and'
          ? 'TRUE'
          : 'FALSE';
    case 'not':
      // A NULL column makes the inner condition NULL, and NOT NULL is NULL: the row is left out (fail closed).
      return `NOT (${compilePredicate(predicate.of, columns, param)})`;
  }
}

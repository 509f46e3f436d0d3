import type { Queryable } from './database.js';
import type { Page } from './connection.js';

/**
 * Builds a parameterised WHERE clause from optional conditions, numbering placeholders as
 * Postgres wants them ($1, $2, …). A condition whose value is null or undefined is left out,
 * which is how GraphQL filter inputs behave: an absent field does not narrow the list.
 */
export class SqlWhere {
  readonly params: unknown[] = [];
  readonly #conditions: string[] = [];

  /** Adds `condition` (with one `?` for the value) unless the value is absent. */
  add(condition: string, value: unknown): this {
    if (value === null || value === undefined) return this;
    this.#conditions.push(condition.replace('?', this.param(value)));
    return this;
  }

  /** Adds a condition built with this clause's placeholders (a row filter: row-filter.ts). */
  addCondition(build: (param: (value: unknown) => string) => string): this {
    this.#conditions.push(build((value) => this.param(value)));
    return this;
  }

  /** Registers a parameter and returns its placeholder. */
  param(value: unknown): string {
    this.params.push(value);
    return `$${this.params.length}`;
  }

  get sql(): string {
    return this.#conditions.length ? `WHERE ${this.#conditions.join(' AND ')}` : '';
  }
}

export interface KeysetQuery {
  /** `SELECT` list. */
  columns: string;
  /** Table (or join) to read. */
  from: string;
  /** The unique column pages are ordered by; cursors carry its value. */
  key: string;
  /** Cast for the key when compared with the cursor's text, e.g. `int`. */
  keyType: 'int' | 'text';
  page: Page;
  /** Builds the filter conditions; called twice, for the page and for the count. */
  filter: (where: SqlWhere) => void;
}

/** One page in key order: `LIMIT limit + 1`, so the extra row tells if another page follows. */
export function selectPage<Row>(db: Queryable, query: KeysetQuery): Promise<Row[]> {
  const where = new SqlWhere();
  query.filter(where);
  where.add(`${query.key} > ?::${query.keyType}`, query.page.afterKey);
  return db.query<Row>(
    `SELECT ${query.columns} FROM ${query.from} ${where.sql} ORDER BY ${query.key} LIMIT ${where.param(query.page.limit + 1)}`,
    where.params,
  );
}

/** How many rows the filter matches in all (a connection's `totalCount`). */
export async function countRows(db: Queryable, query: Pick<KeysetQuery, 'from' | 'filter'>): Promise<number> {
  const where = new SqlWhere();
  query.filter(where);
  const [row] = await db.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM ${query.from} ${where.sql}`,
    where.params,
  );
  return row?.n ?? 0;
}

/**
 * The first `limit + 1` rows of each parent's children in key order, for all parents in one
 * statement (a window per parent): a paged relation such as `Customer.orders(first: 10)`.
 */
export function selectPagePerParent<Row>(
  db: Queryable,
  query: KeysetQuery & { parentKey: string; parentKeyType: 'int' | 'text'; parents: readonly string[] },
): Promise<Row[]> {
  const where = new SqlWhere();
  where.add(`${query.parentKey} = ANY(?::${query.parentKeyType}[])`, query.parents);
  query.filter(where);
  where.add(`${query.key} > ?::${query.keyType}`, query.page.afterKey);
  return db.query<Row>(
    `SELECT * FROM (
       SELECT ${query.columns}, row_number() OVER (PARTITION BY ${query.parentKey} ORDER BY ${query.key}) AS page_row
       FROM ${query.from} ${where.sql}
     ) AS paged
     WHERE page_row <= ${where.param(query.page.limit + 1)}
     ORDER BY ${query.parentKey}, ${query.key}`,
    where.params,
  );
}

/** Counts per parent, for the `totalCount` of a paged relation. */
export function countPerParent(
  db: Queryable,
  query: Pick<KeysetQuery, 'from' | 'filter'> & {
    parentKey: string;
    parentKeyType: 'int' | 'text';
    parents: readonly string[];
  },
): Promise<{ parent: string; n: number }[]> {
  const where = new SqlWhere();
  where.add(`${query.parentKey} = ANY(?::${query.parentKeyType}[])`, query.parents);
  query.filter(where);
  return db.query(
    `SELECT ${query.parentKey}::text AS parent, count(*)::int AS n FROM ${query.from} ${where.sql} GROUP BY ${query.parentKey}`,
    where.params,
  );
}

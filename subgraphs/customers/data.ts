import type { Page } from '../kit/connection.js';
import type { Queryable } from '../kit/database.js';
import { rowLoader } from '../kit/loaders.js';
import { applyRowFilter, visibleColumn, type RowFilters, type RowFilterTargets } from '../kit/row-filter.js';
import { SqlWhere, countRows, selectPage } from '../kit/sql.js';

/** A row of `customers`, as selected by COLUMNS. */
export interface CustomerRow {
  id: number;
  name: string;
  email: string;
  phone: string | null;
  birth_date: string | null;
  country: string;
  segment: string;
  created_at: Date;
}

/** The fields a row filter may read, and their columns (row-filter.ts). */
export const CUSTOMER_ROW_FILTERS: RowFilterTargets = {
  Customer: { id: 'id', country: 'country', segment: 'segment', createdAt: 'created_at' },
};

export interface CustomerFilter {
  country?: string | null | undefined;
  segment?: string | null | undefined;
  nameContains?: string | null | undefined;
}

// A date as text: drivers would turn a `date` into a local-midnight Date and shift it.
const COLUMNS = 'id, name, email, phone, birth_date::text AS birth_date, country, segment, created_at';

function applyFilter(filter: CustomerFilter, rows: RowFilters) {
  return (where: SqlWhere) =>
    applyRowFilter(where, rows.for('Customer'))
      .add('country = ?', filter.country)
      .add('segment = ?', filter.segment)
      .add(`name ILIKE '%' || ? || '%'`, filter.nameContains);
}

/**
 * The customers data product's data access; one instance per request. The request's row
 * filter on Customer narrows the lists (their counts and cursors with them); a lookup by id
 * reads it as `row_visible`, so a filtered-out customer is told from one that does not exist.
 */
export function createCustomerData(db: Queryable, rows: RowFilters) {
  const rowFilter = rows.for('Customer');
  return {
    rowFilter,
    byId: rowLoader<CustomerRow & { row_visible: boolean }>(
      (ids) => {
        const where = new SqlWhere();
        const keys = where.param(ids);
        const visible = visibleColumn(rowFilter, (value) => where.param(value));
        return db.query(
          `SELECT ${COLUMNS}, ${visible} FROM customers WHERE id = ANY(${keys}::int[])`,
          where.params,
        );
      },
      (row) => row.id,
    ),
    page: (page: Page, filter: CustomerFilter) =>
      selectPage<CustomerRow>(db, {
        columns: COLUMNS,
        from: 'customers',
        key: 'id',
        keyType: 'int',
        page,
        filter: applyFilter(filter, rows),
      }),
    count: (filter: CustomerFilter) =>
      countRows(db, { from: 'customers', filter: applyFilter(filter, rows) }),
  };
}

export type CustomerData = ReturnType<typeof createCustomerData>;

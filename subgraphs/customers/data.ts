import type { Page } from '../kit/connection.js';
import type { Queryable } from '../kit/database.js';
import { rowLoader } from '../kit/loaders.js';
import { countRows, selectPage, type SqlWhere } from '../kit/sql.js';

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

export interface CustomerFilter {
  country?: string | null | undefined;
  segment?: string | null | undefined;
  nameContains?: string | null | undefined;
}

// A date as text: drivers would turn a `date` into a local-midnight Date and shift it.
const COLUMNS = 'id, name, email, phone, birth_date::text AS birth_date, country, segment, created_at';

function applyFilter(filter: CustomerFilter) {
  return (where: SqlWhere) =>
    where
      .add('country = ?', filter.country)
      .add('segment = ?', filter.segment)
      .add(`name ILIKE '%' || ? || '%'`, filter.nameContains);
}

/** The customers data product's data access; one instance per request. */
export function createCustomerData(db: Queryable) {
  return {
    byId: rowLoader<CustomerRow>(
      (ids) => db.query(`SELECT ${COLUMNS} FROM customers WHERE id = ANY($1::int[])`, [ids]),
      (row) => row.id,
    ),
    page: (page: Page, filter: CustomerFilter) =>
      selectPage<CustomerRow>(db, {
        columns: COLUMNS,
        from: 'customers',
        key: 'id',
        keyType: 'int',
        page,
        filter: applyFilter(filter),
      }),
    count: (filter: CustomerFilter) => countRows(db, { from: 'customers', filter: applyFilter(filter) }),
  };
}

export type CustomerData = ReturnType<typeof createCustomerData>;

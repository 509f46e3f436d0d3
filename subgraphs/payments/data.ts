import type { Page } from '../kit/connection.js';
import type { Queryable } from '../kit/database.js';
import { groupLoader, rowLoader } from '../kit/loaders.js';
import { countRows, selectPage, type SqlWhere } from '../kit/sql.js';

export interface PaymentRow {
  id: number;
  order_id: number;
  amount_cents: number;
  currency: string;
  method: string;
  status: string;
  card_brand: string | null;
  card_last4: string | null;
  card_holder: string | null;
  paid_at: Date | null;
}

export interface PaymentFilter {
  status?: string | null | undefined;
  method?: string | null | undefined;
  orderId?: string | null | undefined;
}

const COLUMNS =
  'id, order_id, amount_cents, currency, method, status, card_brand, card_last4, card_holder, paid_at';

function applyFilter(filter: PaymentFilter) {
  return (where: SqlWhere) =>
    where
      .add('status = ?', filter.status)
      .add('method = ?', filter.method)
      .add('order_id = ?::int', filter.orderId);
}

/** The payments data product's data access; one instance per request. */
export function createPaymentData(db: Queryable) {
  return {
    byId: rowLoader<PaymentRow>(
      (ids) => db.query(`SELECT ${COLUMNS} FROM payments WHERE id = ANY($1::int[])`, [ids]),
      (row) => row.id,
    ),
    ofOrder: groupLoader<PaymentRow>(
      (orderIds) =>
        db.query(
          `SELECT ${COLUMNS} FROM payments WHERE order_id = ANY($1::int[]) ORDER BY order_id, paid_at, id`,
          [orderIds],
        ),
      (row) => row.order_id,
    ),
    page: (page: Page, filter: PaymentFilter) =>
      selectPage<PaymentRow>(db, {
        columns: COLUMNS,
        from: 'payments',
        key: 'id',
        keyType: 'int',
        page,
        filter: applyFilter(filter),
      }),
    count: (filter: PaymentFilter) => countRows(db, { from: 'payments', filter: applyFilter(filter) }),
  };
}

export type PaymentData = ReturnType<typeof createPaymentData>;

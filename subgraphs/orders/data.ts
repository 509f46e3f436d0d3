import type { Page } from '../kit/connection.js';
import type { Queryable } from '../kit/database.js';
import { LoadersByArgs, groupLoader, rowLoader } from '../kit/loaders.js';
import { countPerParent, countRows, selectPage, selectPagePerParent, type SqlWhere } from '../kit/sql.js';

export interface OrderRow {
  id: number;
  customer_id: number;
  status: string;
  placed_at: Date;
  currency: string;
}

export interface OrderLineRow {
  order_id: number;
  line_number: number;
  sku: string;
  product_name: string;
  quantity: number;
  unit_price_cents: number;
  currency: string;
}

export interface OrderFilter {
  status?: string | null | undefined;
  customerId?: string | null | undefined;
  placedAfter?: string | null | undefined;
  placedBefore?: string | null | undefined;
}

const ORDER_COLUMNS = 'id, customer_id, status, placed_at, currency';
const LINE_COLUMNS =
  'l.order_id, l.line_number, l.sku, l.product_name, l.quantity, l.unit_price_cents, o.currency';
const LINES_FROM = 'order_lines l JOIN orders o ON o.id = l.order_id';

function applyFilter(filter: OrderFilter) {
  return (where: SqlWhere) =>
    where
      .add('status = ?', filter.status)
      .add('customer_id = ?::int', filter.customerId)
      .add('placed_at >= ?::timestamptz', filter.placedAfter)
      .add('placed_at < ?::timestamptz', filter.placedBefore);
}

/** The orders data product's data access; one instance per request. */
export function createOrderData(db: Queryable) {
  const ordersOf = (filter: OrderFilter) => ({
    columns: ORDER_COLUMNS,
    from: 'orders',
    filter: applyFilter(filter),
  });
  return {
    orderById: rowLoader<OrderRow>(
      (ids) => db.query(`SELECT ${ORDER_COLUMNS} FROM orders WHERE id = ANY($1::int[])`, [ids]),
      (row) => row.id,
    ),
    linesOfOrder: groupLoader<OrderLineRow>(
      (ids) =>
        db.query(
          `SELECT ${LINE_COLUMNS} FROM ${LINES_FROM} WHERE l.order_id = ANY($1::int[]) ORDER BY l.order_id, l.line_number`,
          [ids],
        ),
      (row) => row.order_id,
    ),
    /** Order lines by their compound key `orderId:lineNumber`. */
    lineByKey: rowLoader<OrderLineRow>(
      (keys) => {
        const [orderIds, lineNumbers] = [keys.map((k) => k.split(':')[0]), keys.map((k) => k.split(':')[1])];
        return db.query(
          `SELECT ${LINE_COLUMNS} FROM ${LINES_FROM}
           WHERE (l.order_id, l.line_number) IN (SELECT * FROM unnest($1::int[], $2::int[]))`,
          [orderIds, lineNumbers],
        );
      },
      (row) => `${row.order_id}:${row.line_number}`,
    ),
    unitsSold: rowLoader<{ sku: string; units: number }>(
      (skus) =>
        db.query(
          `SELECT l.sku, sum(l.quantity)::int AS units FROM ${LINES_FROM}
           WHERE l.sku = ANY($1::text[]) AND o.status <> 'CANCELLED' GROUP BY l.sku`,
          [skus],
        ),
      (row) => row.sku,
    ),
    orderPage: (page: Page, filter: OrderFilter) =>
      selectPage<OrderRow>(db, { ...ordersOf(filter), key: 'id', keyType: 'int', page }),
    orderCount: (filter: OrderFilter) => countRows(db, ordersOf(filter)),
    /** `Customer.orders(first, after, filter)` for every customer of the request in one statement. */
    ordersOfCustomer: new LoadersByArgs(({ page, filter }: { page: Page; filter: OrderFilter }) =>
      groupLoader<OrderRow>(
        (parents) =>
          selectPagePerParent(db, {
            ...ordersOf(filter),
            key: 'id',
            keyType: 'int',
            page,
            parentKey: 'customer_id',
            parentKeyType: 'int',
            parents,
          }),
        (row) => row.customer_id,
      ),
    ),
    orderCountOfCustomer: new LoadersByArgs((filter: OrderFilter) =>
      rowLoader(
        (parents) =>
          countPerParent(db, {
            ...ordersOf(filter),
            parentKey: 'customer_id',
            parentKeyType: 'int',
            parents,
          }),
        (row) => row.parent,
      ),
    ),
  };
}

export type OrderData = ReturnType<typeof createOrderData>;

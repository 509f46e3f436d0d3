import type { Page } from '../kit/connection.js';
import type { Queryable } from '../kit/database.js';
import { groupLoader, rowLoader } from '../kit/loaders.js';
import { countRows, selectPage, type SqlWhere } from '../kit/sql.js';

export interface ShipmentRow {
  id: number;
  order_id: number;
  carrier: string;
  tracking_number: string;
  status: string;
  recipient: string;
  street: string;
  postal_code: string;
  city: string;
  country: string;
  shipped_at: Date;
  delivered_at: Date | null;
}

export interface ShipmentItemRow {
  shipment_id: number;
  order_id: number;
  line_number: number;
}

export interface RateRow {
  country: string;
  carrier: string;
  base_cents: number;
  per_kg_cents: number;
  days: number;
}

export interface ShipmentFilter {
  status?: string | null | undefined;
  carrier?: string | null | undefined;
  country?: string | null | undefined;
}

const COLUMNS =
  'id, order_id, carrier, tracking_number, status, recipient, street, postal_code, city, country, shipped_at, delivered_at';

function applyFilter(filter: ShipmentFilter) {
  return (where: SqlWhere) =>
    where
      .add('status = ?', filter.status)
      .add('carrier = ?', filter.carrier)
      .add('country = ?', filter.country);
}

/** The shipping data product's data access; one instance per request. */
export function createShippingData(db: Queryable) {
  return {
    byId: rowLoader<ShipmentRow>(
      (ids) => db.query(`SELECT ${COLUMNS} FROM shipments WHERE id = ANY($1::int[])`, [ids]),
      (row) => row.id,
    ),
    ofOrder: groupLoader<ShipmentRow>(
      (orderIds) =>
        db.query(`SELECT ${COLUMNS} FROM shipments WHERE order_id = ANY($1::int[]) ORDER BY order_id, id`, [
          orderIds,
        ]),
      (row) => row.order_id,
    ),
    itemsOf: groupLoader<ShipmentItemRow>(
      (ids) =>
        db.query(
          `SELECT shipment_id, order_id, line_number FROM shipment_items WHERE shipment_id = ANY($1::int[])
           ORDER BY shipment_id, line_number`,
          [ids],
        ),
      (row) => row.shipment_id,
    ),
    ratesTo: groupLoader<RateRow>(
      (countries) =>
        db.query(
          `SELECT country, carrier, base_cents, per_kg_cents, days FROM shipping_rates WHERE country = ANY($1::text[])
           ORDER BY country, carrier`,
          [countries],
        ),
      (row) => row.country,
    ),
    page: (page: Page, filter: ShipmentFilter) =>
      selectPage<ShipmentRow>(db, {
        columns: COLUMNS,
        from: 'shipments',
        key: 'id',
        keyType: 'int',
        page,
        filter: applyFilter(filter),
      }),
    count: (filter: ShipmentFilter) => countRows(db, { from: 'shipments', filter: applyFilter(filter) }),
  };
}

export type ShippingData = ReturnType<typeof createShippingData>;

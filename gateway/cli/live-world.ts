import type { ReadableTransaction as Database } from '../health/quality/readable-database.js';
import type { Logger } from '../common/logger.js';

/** The reference mesh's product databases the writer moves (by product name). */
export type WorldDatabases = Readonly<Record<'customers' | 'orders' | 'payments' | 'shipping', Database>>;

export interface LiveWorldOptions {
  readonly databases: WorldDatabases;
  readonly logger: Logger;
  /** An order, with its payment and shipment, every so often. Default 20 s. */
  readonly orderIntervalMs?: number | undefined;
  /** A new customer every so often. Default 10 minutes. */
  readonly customerIntervalMs?: number | undefined;
  /**
   * Told of each order placed, e.g. to read it through the gateway as an app would, so the
   * products' SLIs measure traffic too.
   */
  readonly onPlaced?: ((orderId: number) => Promise<unknown>) | undefined;
}

export interface LiveWorld {
  /** Orders placed since start (with a payment and a shipment each). */
  readonly placed: number;
  /** Places one order (and a customer when one is due) now. */
  tick(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * The reference mesh's world keeps moving: the seed is a frozen world from 2024, so without
 * new rows every product's freshness reads a year stale and the first thing a newcomer sees is
 * a mesh that looks broken. At a low rate this places an order (lines copied from a past order,
 * so SKUs, names and prices are real) with its payment and its shipment, each in its own
 * product's database as that domain would, and now and then signs up a customer. Freshness
 * is then measured against data that moves. Only `npm start` runs it (gateway/cli/mesh.ts);
 * the tests' meshes stay frozen, since they assert seeded values.
 */
export function startLiveWorld({
  databases,
  logger,
  orderIntervalMs = 20_000,
  customerIntervalMs = 600_000,
  onPlaced,
}: LiveWorldOptions): LiveWorld {
  let placed = 0;
  let lastCustomerAt = 0;
  let running: Promise<void> = Promise.resolve();
  let stopped = false;

  const signUp = async () => {
    const { customers } = databases;
    const [template] = await customers.query<{ id: number; country: string; segment: string }>(
      'SELECT id, country, segment FROM customers ORDER BY random() LIMIT 1',
    );
    const [{ next }] = (await customers.query<{ next: number }>(
      'SELECT coalesce(max(id), 0) + 1 AS next FROM customers',
    )) as [{ next: number }];
    await customers.query(
      `INSERT INTO customers (id, name, email, phone, birth_date, country, segment, created_at)
       VALUES ($1, $2, $3, NULL, NULL, $4, $5, now())`,
      [
        next,
        `Live Customer ${next}`,
        `live.customer${next}@example.com`,
        template?.country ?? 'DE',
        template?.segment ?? 'CONSUMER',
      ],
    );
    lastCustomerAt = Date.now();
  };

  const placeOrder = async () => {
    const { orders, payments, shipping } = databases;
    // A past order's lines and customer: real SKUs, names and prices.
    const [past] = await orders.query<{ id: number; customer_id: number; currency: string }>(
      'SELECT id, customer_id, currency FROM orders ORDER BY random() LIMIT 1',
    );
    if (!past) return;
    const lines = await orders.query<{
      sku: string;
      product_name: string;
      quantity: number;
      unit_price_cents: number;
    }>(
      'SELECT sku, product_name, quantity, unit_price_cents FROM order_lines WHERE order_id = $1 ORDER BY line_number',
      [past.id],
    );
    const [{ next }] = (await orders.query<{ next: number }>(
      'SELECT coalesce(max(id), 0) + 1 AS next FROM orders',
    )) as [{ next: number }];
    // The order and its lines in one statement: never an order without lines (a quality rule).
    await orders.query(
      `WITH placed AS (
         INSERT INTO orders (id, customer_id, status, placed_at, currency)
         VALUES ($1, $2, 'PAID', now(), $3) RETURNING id)
       INSERT INTO order_lines (order_id, line_number, sku, product_name, quantity, unit_price_cents)
       SELECT placed.id, line.n, line.sku, line.name, line.quantity, line.price
       FROM placed, unnest($4::text[], $5::text[], $6::int[], $7::int[])
         WITH ORDINALITY AS line(sku, name, quantity, price, n)`,
      [
        next,
        past.customer_id,
        past.currency,
        lines.map((l) => l.sku),
        lines.map((l) => l.product_name),
        lines.map((l) => l.quantity),
        lines.map((l) => l.unit_price_cents),
      ],
    );
    const total = lines.reduce((sum, line) => sum + line.quantity * line.unit_price_cents, 0);
    const [{ nextPayment }] = (await payments.query<{ nextPayment: number }>(
      'SELECT coalesce(max(id), 0) + 1 AS "nextPayment" FROM payments',
    )) as [{ nextPayment: number }];
    await payments.query(
      `INSERT INTO payments (id, order_id, amount_cents, currency, method, status, card_brand, card_last4, card_holder, paid_at)
       VALUES ($1, $2, $3, $4, 'CARD', 'CAPTURED', 'VISA', $5, $6, now())`,
      [
        nextPayment,
        next,
        total,
        past.currency,
        String(1000 + (next % 9000)),
        `Live Customer ${past.customer_id}`,
      ],
    );
    // Shipped to where this customer's last parcel went.
    const [address] = await shipping.query<{
      recipient: string;
      street: string;
      postal_code: string;
      city: string;
      country: string;
      carrier: string;
    }>(
      `SELECT s.recipient, s.street, s.postal_code, s.city, s.country, s.carrier FROM shipments s
       ORDER BY s.id DESC LIMIT 1`,
    );
    if (!address) return;
    const [{ nextShipment }] = (await shipping.query<{ nextShipment: number }>(
      'SELECT coalesce(max(id), 0) + 1 AS "nextShipment" FROM shipments',
    )) as [{ nextShipment: number }];
    await shipping.query(
      `INSERT INTO shipments (id, order_id, carrier, tracking_number, status, recipient, street, postal_code, city, country, shipped_at)
       VALUES ($1, $2, $3, $4, 'IN_TRANSIT', $5, $6, $7, $8, $9, now())`,
      [
        nextShipment,
        next,
        address.carrier,
        `LIVE${String(nextShipment).padStart(10, '0')}`,
        address.recipient,
        address.street,
        address.postal_code,
        address.city,
        address.country,
      ],
    );
    for (const index of lines.keys())
      await shipping.query(
        'INSERT INTO shipment_items (shipment_id, order_id, line_number) VALUES ($1, $2, $3)',
        [nextShipment, next, index + 1],
      );
    placed += 1;
    await onPlaced?.(next);
  };

  const tick = () => {
    // One write at a time: a tick that overlaps the previous one waits for it.
    running = running.then(async () => {
      if (stopped) return;
      try {
        if (Date.now() - lastCustomerAt >= customerIntervalMs) await signUp();
        await placeOrder();
      } catch (error) {
        logger.warn({ err: error }, 'live world: could not place an order; trying again at the next tick');
      }
    });
    return running;
  };

  void tick();
  const timer = setInterval(() => void tick(), orderIntervalMs);
  timer.unref();
  logger.info({ everyMs: orderIntervalMs }, 'live world: placing orders with their payments and shipments');
  return {
    get placed() {
      return placed;
    },
    tick,
    async stop() {
      stopped = true;
      clearInterval(timer);
      await running;
    },
  };
}

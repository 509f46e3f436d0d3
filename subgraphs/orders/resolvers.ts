import { parsePage, toConnection, type Page, type PageArgs } from '../kit/connection.js';
import type { SubgraphContext } from '../kit/data-product.js';
import { intId, isoTimestamp, money, timestampArg } from '../kit/values.js';
import type { OrderData, OrderFilter, OrderLineRow, OrderRow } from './data.js';

type Context = SubgraphContext<OrderData>;

function toOrder(row: OrderRow) {
  return {
    id: String(row.id),
    placedAt: isoTimestamp(row.placed_at),
    status: row.status,
    customer: { __typename: 'Customer', id: String(row.customer_id) },
    currency: row.currency,
  };
}
type Order = ReturnType<typeof toOrder>;

function toLine(row: OrderLineRow) {
  return {
    orderId: String(row.order_id),
    lineNumber: row.line_number,
    // The line's copy of the product name is what `@provides(fields: "name")` promises.
    product: { __typename: 'Product', sku: row.sku, name: row.product_name },
    quantity: row.quantity,
    unitPrice: money(row.unit_price_cents, row.currency),
  };
}
type OrderLine = ReturnType<typeof toLine>;

function orderFilter(input: OrderFilter | null | undefined): OrderFilter {
  return {
    status: input?.status,
    customerId: input?.customerId == null ? null : intId(input.customerId, 'filter.customerId'),
    placedAfter: timestampArg(input?.placedAfter, 'filter.placedAfter'),
    placedBefore: timestampArg(input?.placedBefore, 'filter.placedBefore'),
  };
}

async function orderById(id: string, { loaders }: Context) {
  const row = await loaders.orderById.load(intId(id, 'id'));
  return row && toOrder(row);
}

const orderConnection = (rows: OrderRow[], page: Page, count: () => Promise<number>) =>
  toConnection(rows, page, (row) => row.id, count, toOrder);

type ListArgs = PageArgs & { filter?: OrderFilter | null };

export const resolvers = {
  Query: {
    order: (_: unknown, args: { id: string }, context: Context) => orderById(args.id, context),
    orders: async (_: unknown, args: ListArgs, { loaders }: Context) => {
      const page = parsePage(args);
      const filter = orderFilter(args.filter);
      return orderConnection(await loaders.orderPage(page, filter), page, () => loaders.orderCount(filter));
    },
  },
  Order: {
    __resolveReference: (reference: { id: string }, context: Context) => orderById(reference.id, context),
    lines: async (order: Order, _: unknown, { loaders }: Context) =>
      (await loaders.linesOfOrder.load(order.id)).map(toLine),
    total: async (order: Order, _: unknown, { loaders }: Context) => {
      const lines = await loaders.linesOfOrder.load(order.id);
      return money(
        lines.reduce((sum, line) => sum + line.quantity * line.unit_price_cents, 0),
        order.currency,
      );
    },
  },
  OrderLine: {
    __resolveReference: async (reference: { orderId: string; lineNumber: number }, { loaders }: Context) => {
      const row = await loaders.lineByKey.load(
        `${intId(reference.orderId, 'orderId')}:${reference.lineNumber}`,
      );
      return row && toLine(row);
    },
    order: (line: OrderLine, _: unknown, context: Context) => orderById(line.orderId, context),
  },
  Customer: {
    __resolveReference: (reference: { id: string }) => ({ id: intId(reference.id, 'id') }),
    orders: async (customer: { id: string }, args: ListArgs, { loaders }: Context) => {
      const page = parsePage(args);
      const filter = orderFilter(args.filter);
      const rows = await loaders.ordersOfCustomer.load(customer.id, { page, filter });
      return orderConnection(
        rows,
        page,
        async () => (await loaders.orderCountOfCustomer.load(customer.id, filter))?.n ?? 0,
      );
    },
  },
  Product: {
    __resolveReference: (reference: { sku: string }) => ({ sku: reference.sku }),
    unitsSold: async (product: { sku: string }, _: unknown, { loaders }: Context) =>
      (await loaders.unitsSold.load(product.sku))?.units ?? 0,
  },
};

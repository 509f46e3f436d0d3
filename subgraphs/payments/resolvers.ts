import { parsePage, toConnection, type PageArgs } from '../kit/connection.js';
import type { SubgraphContext } from '../kit/data-product.js';
import { intId, isoTimestamp, money } from '../kit/values.js';
import type { PaymentData, PaymentFilter, PaymentRow } from './data.js';

type Context = SubgraphContext<PaymentData>;

function toPayment(row: PaymentRow) {
  return {
    id: String(row.id),
    order: { __typename: 'Order', id: String(row.order_id) },
    amount: money(row.amount_cents, row.currency),
    method: row.method,
    status: row.status,
    cardBrand: row.card_brand,
    cardLast4: row.card_last4,
    cardHolder: row.card_holder,
    paidAt: isoTimestamp(row.paid_at),
  };
}

async function paymentById(id: string, { loaders }: Context) {
  const row = await loaders.byId.load(intId(id, 'id'));
  return row && toPayment(row);
}

export const resolvers = {
  Query: {
    payment: (_: unknown, args: { id: string }, context: Context) => paymentById(args.id, context),
    payments: async (
      _: unknown,
      args: PageArgs & { filter?: PaymentFilter | null },
      { loaders }: Context,
    ) => {
      const page = parsePage(args);
      const input = args.filter;
      const filter = {
        status: input?.status,
        method: input?.method,
        orderId: input?.orderId == null ? null : intId(input.orderId, 'filter.orderId'),
      };
      return toConnection(
        await loaders.page(page, filter),
        page,
        (row) => row.id,
        () => loaders.count(filter),
        toPayment,
      );
    },
  },
  Payment: {
    __resolveReference: (reference: { id: string }, context: Context) => paymentById(reference.id, context),
  },
  Order: {
    payments: async (order: { id: string }, _: unknown, { loaders }: Context) =>
      (await loaders.ofOrder.load(intId(order.id, 'id'))).map(toPayment),
  },
};

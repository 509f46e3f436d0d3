import { parsePage, toConnection, type PageArgs } from '../kit/connection.js';
import type { SubgraphContext } from '../kit/data-product.js';
import { visibleRow } from '../kit/row-filter.js';
import { countryArg, intId, isoTimestamp } from '../kit/values.js';
import type { CustomerData, CustomerFilter, CustomerRow } from './data.js';

type Context = SubgraphContext<CustomerData>;

function toCustomer(row: CustomerRow) {
  return {
    id: String(row.id),
    name: row.name,
    email: row.email,
    phone: row.phone,
    birthDate: row.birth_date,
    country: row.country,
    segment: row.segment,
    createdAt: isoTimestamp(row.created_at),
  };
}

/** Null when there is no such customer; ROW_FILTERED (at the field's path) when the row filter hides it. */
async function customerById(id: string, { loaders }: Context) {
  const row = visibleRow(await loaders.byId.load(intId(id, 'id')), loaders.rowFilter, id);
  return row && toCustomer(row);
}

export const resolvers = {
  Query: {
    customer: (_: unknown, args: { id: string }, context: Context) => customerById(args.id, context),
    customers: async (
      _: unknown,
      args: PageArgs & { filter?: CustomerFilter | null },
      { loaders }: Context,
    ) => {
      const page = parsePage(args);
      const filter = { ...args.filter, country: countryArg(args.filter?.country, 'filter.country') };
      const rows = await loaders.page(page, filter);
      return toConnection(
        rows,
        page,
        (row) => row.id,
        () => loaders.count(filter),
        toCustomer,
      );
    },
  },
  Customer: {
    __resolveReference: (reference: { id: string }, context: Context) => customerById(reference.id, context),
  },
};

import { parsePage, toConnection, type PageArgs } from '../kit/connection.js';
import type { SubgraphContext } from '../kit/data-product.js';
import { countryArg, intId, isoTimestamp, money } from '../kit/values.js';
import type { RateRow, ShipmentFilter, ShipmentRow, ShippingData } from './data.js';

type Context = SubgraphContext<ShippingData>;

function toShipment(row: ShipmentRow) {
  return {
    id: String(row.id),
    order: { __typename: 'Order', id: String(row.order_id) },
    carrier: row.carrier,
    trackingNumber: row.tracking_number,
    status: row.status,
    address: {
      recipient: row.recipient,
      street: row.street,
      postalCode: row.postal_code,
      city: row.city,
      country: row.country,
    },
    shippedAt: isoTimestamp(row.shipped_at),
    deliveredAt: isoTimestamp(row.delivered_at),
  };
}
type Shipment = ReturnType<typeof toShipment>;

async function shipmentById(id: string, { loaders }: Context) {
  const row = await loaders.byId.load(intId(id, 'id'));
  return row && toShipment(row);
}

/** Carriers charge a base price plus a price per started kilogram. */
export function quote(rate: RateRow, weightGrams: number) {
  return {
    carrier: rate.carrier,
    days: rate.days,
    costCents: rate.base_cents + rate.per_kg_cents * Math.ceil(weightGrams / 1000),
  };
}

/** The cheapest quote, the faster one on a tie; null when no carrier serves the country. */
export function cheapestQuote(rates: readonly RateRow[], weightGrams: number) {
  const quotes = rates.map((rate) => quote(rate, weightGrams));
  quotes.sort((a, b) => a.costCents - b.costCents || a.days - b.days || a.carrier.localeCompare(b.carrier));
  return quotes[0] ?? null;
}

export const resolvers = {
  Query: {
    shipment: (_: unknown, args: { id: string }, context: Context) => shipmentById(args.id, context),
    shipments: async (
      _: unknown,
      args: PageArgs & { filter?: ShipmentFilter | null },
      { loaders }: Context,
    ) => {
      const page = parsePage(args);
      const filter = { ...args.filter, country: countryArg(args.filter?.country, 'filter.country') };
      return toConnection(
        await loaders.page(page, filter),
        page,
        (row) => row.id,
        () => loaders.count(filter),
        toShipment,
      );
    },
  },
  Shipment: {
    __resolveReference: (reference: { id: string }, context: Context) => shipmentById(reference.id, context),
    items: async (shipment: Shipment, _: unknown, { loaders }: Context) =>
      (await loaders.itemsOf.load(shipment.id)).map((item) => ({
        __typename: 'OrderLine',
        orderId: String(item.order_id),
        lineNumber: item.line_number,
      })),
  },
  Order: {
    shipments: async (order: { id: string }, _: unknown, { loaders }: Context) =>
      (await loaders.ofOrder.load(intId(order.id, 'id'))).map(toShipment),
  },
  Product: {
    // `weightGrams` arrives from the catalog because the field @requires it.
    shippingEstimate: async (
      product: { sku: string; weightGrams: number },
      args: { destinationCountry: string },
      { loaders }: Context,
    ) => {
      const country = countryArg(args.destinationCountry, 'destinationCountry') ?? 'DE';
      const best = cheapestQuote(await loaders.ratesTo.load(country), product.weightGrams);
      return best && { carrier: best.carrier, days: best.days, cost: money(best.costCents, 'EUR') };
    },
  },
};

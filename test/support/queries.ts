/** A page of orders with their customers and products: three data products, four loaders. */
export const ORDERS_PAGE = `query OrdersPage($first: Int!) {
  orders(first: $first) {
    edges { node { id customer { id name } lines { quantity product { sku name price { amount } } } } }
  }
}`;

/** The seeded answer to the README's example query (gateway/cli/example-query.ts), as any principal allowed to read it gets it. */
export const EXAMPLE_ANSWER = {
  order: {
    id: '42',
    status: 'DELIVERED',
    total: { amount: 583.16, currency: 'EUR' },
    customer: { name: 'Ken Turing', country: 'AT' },
    lines: [
      {
        quantity: 4,
        product: {
          name: 'Compact Knife',
          price: { amount: 145.79 },
          unitsSold: 604,
          shippingEstimate: { carrier: 'DHL', days: 2, cost: { amount: 10.5 } },
        },
      },
    ],
    payments: [{ method: 'INVOICE', status: 'CAPTURED', amount: { amount: 583.16 } }],
    shipments: [{ carrier: 'DPD', trackingNumber: 'TRK000000084', status: 'DELIVERED' }],
  },
};

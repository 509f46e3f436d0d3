/**
 * Order 22 of the seed (subgraphs/kit/seed-world.sql) as the data steward reads it, in parts:
 * the persona tests derive each persona's view from them, the policy bench and unit tests
 * answer with them.
 */
export const ORDER_22_CUSTOMER = {
  id: '4219',
  name: 'Tim Dijkstra',
  country: 'ES',
  email: 'tim.dijkstra4219@example.com',
  phone: '+49 30 3410261',
  birthDate: '1976-06-12',
};

export const ORDER_22_CARD_PAYMENT = {
  method: 'CARD',
  status: 'FAILED',
  cardBrand: 'MASTERCARD',
  cardLast4: '3954',
  cardHolder: 'TIM DIJKSTRA',
  amount: { amount: 361.18 },
};

export const ORDER_22_INVOICE_PAYMENT = {
  method: 'INVOICE',
  status: 'CAPTURED',
  cardBrand: null,
  cardLast4: null,
  cardHolder: null,
  amount: { amount: 361.18 },
};

export const ORDER_22_ADDRESS = {
  recipient: 'Tim Dijkstra',
  street: '23 Station Way',
  postalCode: '02134',
  city: 'Madrid',
  country: 'ES',
};

/** The order with these parts (a persona sees some of them masked or removed). */
export function order22(parts: { customer: object; payments: object[]; address: object | null }) {
  return {
    order: {
      id: '22',
      status: 'DELIVERED',
      total: { amount: 361.18, currency: 'EUR' },
      customer: parts.customer,
      payments: parts.payments,
      shipments: [{ carrier: 'DPD', status: 'DELIVERED', address: parts.address }],
    },
  };
}

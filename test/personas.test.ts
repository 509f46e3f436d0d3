import { createHmac } from 'node:crypto';
import {
  ORDER_22_ADDRESS,
  ORDER_22_CARD_PAYMENT,
  ORDER_22_CUSTOMER,
  ORDER_22_INVOICE_PAYMENT,
  order22,
} from './support/order-22.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningMesh } from '../gateway/cli/mesh.js';
import type { RunningGateway } from '../gateway/server.js';
import { graphql, sharedMesh } from './support/mesh.js';
import { PERSONA_QUERY } from './support/persona-query.js';
import {
  TEST_HASH_KEY,
  bearer,
  gatewayOver,
  personaHeaders,
  personaToken,
  type Persona,
} from './support/personas.js';

/**
 * The five personas of the example policies (policies/*.yaml) read the same cross-domain
 * query (orders → customers, payments, shipping) and each gets exactly its entitlement:
 * masked values literally, removed fields null with an UNAUTHORIZED_FIELD_OR_TYPE error
 * naming the rule at their path.
 */
let mesh: RunningMesh;
let gateway: RunningGateway;
beforeAll(async () => {
  mesh = await sharedMesh();
  gateway = await gatewayOver(mesh);
});
afterAll(async () => {
  await gateway?.stop();
});

const customer = ORDER_22_CUSTOMER;
const cardPayment = ORDER_22_CARD_PAYMENT;
const invoicePayment = ORDER_22_INVOICE_PAYMENT;
const address = ORDER_22_ADDRESS;
const order = order22;
const noCard = { cardLast4: null, cardHolder: null };

const expected: Record<Persona, { data: object; denied: Record<string, string> }> = {
  anonymous: {
    data: order({
      customer: { ...customer, email: null, phone: null, birthDate: null },
      payments: [{ ...cardPayment, ...noCard }, invoicePayment],
      address: null,
    }),
    denied: {
      'order.customer.email': 'default-deny:pii',
      'order.customer.phone': 'default-deny:pii',
      'order.customer.birthDate': 'default-deny:pii',
      'order.payments.0.cardLast4': 'default-deny:pci',
      'order.payments.0.cardHolder': 'default-deny:pii',
      'order.payments.1.cardLast4': 'default-deny:pci',
      'order.payments.1.cardHolder': 'default-deny:pii',
      'order.shipments.0.address': 'default-deny:pii',
    },
  },
  analyst: {
    data: order({
      customer: { ...customer, email: 'h:4abac5050441466c', phone: null, birthDate: '1976' },
      payments: [{ ...cardPayment, ...noCard }, invoicePayment],
      address: { recipient: null, street: null, postalCode: null, city: 'Madrid', country: 'ES' },
    }),
    denied: {
      'order.customer.phone': 'analyst-no-phone',
      'order.payments.0.cardLast4': 'default-deny:pci',
      'order.payments.0.cardHolder': 'default-deny:pii',
      'order.payments.1.cardLast4': 'default-deny:pci',
      'order.payments.1.cardHolder': 'default-deny:pii',
      'order.shipments.0.address.recipient': 'default-deny:pii',
      'order.shipments.0.address.street': 'default-deny:pii',
      'order.shipments.0.address.postalCode': 'default-deny:pii',
    },
  },
  support: {
    data: order({
      customer: { ...customer, birthDate: null },
      payments: [{ ...cardPayment, ...noCard }, invoicePayment],
      address,
    }),
    denied: {
      'order.customer.birthDate': 'default-deny:pii',
      'order.payments.0.cardLast4': 'default-deny:pci',
      'order.payments.0.cardHolder': 'default-deny:pii',
      'order.payments.1.cardLast4': 'default-deny:pci',
      'order.payments.1.cardHolder': 'default-deny:pii',
    },
  },
  finance: {
    data: order({
      customer: { ...customer, email: 't***@example.com', phone: null, birthDate: null },
      payments: [{ ...cardPayment, cardLast4: '****3954', cardHolder: '[REDACTED]' }, invoicePayment],
      address: null,
    }),
    denied: {
      'order.customer.phone': 'default-deny:pii',
      'order.customer.birthDate': 'default-deny:pii',
      'order.shipments.0.address': 'default-deny:pii',
    },
  },
  'data-steward': {
    data: order({ customer, payments: [cardPayment, invoicePayment], address }),
    denied: {},
  },
  // An analyst of DE and AT: order 22's customer lives in ES, so it is null (row filter); the rest as the analyst's.
  'regional-analyst': {
    data: {
      order: {
        ...order({ customer: {}, payments: [], address: null }).order,
        customer: null,
        payments: [{ ...cardPayment, ...noCard }, invoicePayment],
        shipments: [
          {
            carrier: 'DPD',
            status: 'DELIVERED',
            address: { recipient: null, street: null, postalCode: null, city: 'Madrid', country: 'ES' },
          },
        ],
      },
    },
    denied: {
      'order.customer': 'regional-analyst-customers',
      'order.payments.0.cardLast4': 'default-deny:pci',
      'order.payments.0.cardHolder': 'default-deny:pii',
      'order.payments.1.cardLast4': 'default-deny:pci',
      'order.payments.1.cardHolder': 'default-deny:pii',
      'order.shipments.0.address.recipient': 'default-deny:pii',
      'order.shipments.0.address.street': 'default-deny:pii',
      'order.shipments.0.address.postalCode': 'default-deny:pii',
    },
  },
};

describe('personas read the same cross-domain query', () => {
  for (const persona of Object.keys(expected) as Persona[]) {
    it(`${persona}: exactly its entitlement`, async () => {
      const { status, body } = await graphql(gateway.url, PERSONA_QUERY, {
        headers: personaHeaders(persona),
      });
      expect(status).toBe(200);
      expect(body.data).toEqual(expected[persona].data);
      const denied = Object.fromEntries(
        (body.errors ?? []).map((e) => [e.path?.join('.'), e.extensions?.rule]),
      );
      expect(denied).toEqual(expected[persona].denied);
      for (const error of body.errors ?? [])
        expect(error.extensions?.code).toBe(
          error.extensions?.rule === 'regional-analyst-customers'
            ? 'ROW_FILTERED'
            : 'UNAUTHORIZED_FIELD_OR_TYPE',
        );
    });
  }

  it("the analyst's e-mail hash is the keyed HMAC, so it joins across queries", async () => {
    const hmac = createHmac('sha256', TEST_HASH_KEY).update(customer.email).digest('hex').slice(0, 16);
    expect(`h:${hmac}`).toBe('h:4abac5050441466c');
    const { body } = await graphql<{ customer: { email: string } }>(
      gateway.url,
      '{ customer(id: "4219") { email } }',
      { headers: personaHeaders('analyst') },
    );
    expect(body.data?.customer.email).toBe('h:4abac5050441466c');
  });

  it('support without a support purpose reads no contact data', async () => {
    const token = personaToken('support', { attributes: { purpose: 'marketing' } });
    const { body } = await graphql(gateway.url, '{ customer(id: "4219") { name email phone } }', {
      headers: bearer(token),
    });
    expect(body.data).toEqual({ customer: { name: 'Tim Dijkstra', email: null, phone: null } });
    expect(body.errors?.map((e) => e.extensions?.rule)).toEqual(['default-deny:pii', 'default-deny:pii']);
  });
});

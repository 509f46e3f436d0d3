import { beforeAll, describe, expect, it } from 'vitest';
import { EXAMPLE_QUERY } from '../gateway/example-query.js';
import type { RunningMesh } from '../gateway/mesh.js';
import { graphql, sharedMesh } from './support/mesh.js';

let mesh: RunningMesh;
beforeAll(async () => {
  mesh = await sharedMesh();
});

describe('one endpoint over five data products', () => {
  it('answers the README example across all five domains with the seeded values', async () => {
    const { status, body } = await graphql(mesh.gateway.url, EXAMPLE_QUERY);
    expect(status).toBe(200);
    expect(body.errors).toBeUndefined();
    expect(body.data).toEqual({
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
    });
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXAMPLE_QUERY } from '../gateway/cli/example-query.js';
import { createLogger } from '../gateway/common/logger.js';
import type { RunningMesh } from '../gateway/cli/mesh.js';
import { startGateway, type RunningGateway } from '../gateway/server.js';
import { findDataProduct } from '../subgraphs/index.js';
import { startSubgraph, type RunningSubgraph } from '../subgraphs/kit/server.js';
import { TEST_DATABASE_URL, graphql, sharedMesh, testConfig, testContextKey } from './support/mesh.js';

/**
 * A gateway over the shared mesh's subgraphs, except payments, which runs here on its own so
 * this test can stop it without disturbing the other files.
 */
let mesh: RunningMesh;
let payments: RunningSubgraph;
let gateway: RunningGateway;
beforeAll(async () => {
  mesh = await sharedMesh();
  payments = await startSubgraph(findDataProduct('payments'), {
    port: 0,
    host: '127.0.0.1',
    databaseUrl: TEST_DATABASE_URL,
    contextKey: testContextKey(),
  });
  const routes = Object.fromEntries(mesh.subgraphs.map((s) => [s.name, s.url]));
  gateway = await startGateway(
    { ...testConfig(), port: 0, subgraphUrls: { ...routes, payments: payments.url } },
    createLogger('silent'),
  );
});
afterAll(async () => {
  await gateway.stop();
});

describe('a subgraph that is down', () => {
  it('serves every domain while all are up', async () => {
    const { body } = await graphql<{ order: { payments: unknown[] } }>(gateway.url, EXAMPLE_QUERY);
    expect(body.errors).toBeUndefined();
    expect(body.data?.order.payments).toEqual([
      { method: 'INVOICE', status: 'CAPTURED', amount: { amount: 583.16 } },
    ]);
  });

  it('gives a partial response: other domains resolve, the error names the subgraph', async () => {
    await payments.stop();
    const { status, body } = await graphql<Record<string, Record<string, unknown>>>(
      gateway.url,
      EXAMPLE_QUERY,
    );
    expect(status).toBe(200);
    const order = body.data?.order;
    expect(order).toMatchObject({
      id: '42',
      status: 'DELIVERED',
      customer: { name: 'Ken Turing', country: 'AT' },
      shipments: [{ carrier: 'DPD', trackingNumber: 'TRK000000084', status: 'DELIVERED' }],
    });
    // Order.payments is non-null, so the failed fetch nulls the nearest nullable parent's field.
    expect(order?.payments ?? null).toBeNull();
    expect(body.errors).toEqual([
      expect.objectContaining({
        message: expect.stringMatching(/^Subgraph "payments" is unavailable \(ECONNREFUSED\)$/),
        extensions: expect.objectContaining({ code: 'SUBGRAPH_UNAVAILABLE', subgraph: 'payments' }),
      }),
    ]);
  });

  it('still serves queries that do not touch the stopped subgraph in full', async () => {
    const { body } = await graphql(
      gateway.url,
      '{ customer(id: "7") { name orders(first: 1) { edges { node { id } } } } }',
    );
    expect(body).toEqual({
      data: { customer: { name: 'Ken Lovelace', orders: { edges: [{ node: { id: '1074' } }] } } },
    });
  });
});

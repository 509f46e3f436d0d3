import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXAMPLE_QUERY } from '../gateway/cli/example-query.js';
import type { Catalog } from '../gateway/catalog/types.js';
import type { RunningMesh } from '../gateway/cli/mesh.js';
import type { RunningGateway } from '../gateway/server.js';
import { graphql, sharedMesh } from './support/mesh.js';
import { bearer, gatewayOver, personaHeaders } from './support/personas.js';
import { freePort } from './support/redis-server.js';

const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const LINEAGE_PREFIX = `meshgate:test:catalog:${process.pid}:${Date.now()}:`;

let mesh: RunningMesh;
let gateway: RunningGateway;
beforeAll(async () => {
  mesh = await sharedMesh();
  // Lineage into Redis, so the catalog can list consumers; payments routed nowhere, so its health is down.
  gateway = await gatewayOver(
    mesh,
    { MESHGATE_LINEAGE: 'on', REDIS_URL, LINEAGE_PREFIX },
    { payments: `http://127.0.0.1:${await freePort()}/graphql` },
  );
});
afterAll(async () => {
  await gateway.stop();
  const redis = new Redis(REDIS_URL);
  const keys = await redis.keys(`${LINEAGE_PREFIX}*`);
  if (keys.length) await redis.del(...keys);
  redis.disconnect();
});

const catalogUrl = (path = '') => gateway.url.replace('/graphql', `/catalog${path}`);
async function getCatalog(path = '', headers: Record<string, string> = personaHeaders('analyst')) {
  const response = await fetch(catalogUrl(path), { headers });
  return { status: response.status, body: (await response.json()) as Catalog & { error?: { code: string } } };
}

describe('the data product catalog', () => {
  it('is for analysts and admins: anonymous gets 403, a broken token 401', async () => {
    expect(await getCatalog('', {})).toMatchObject({
      status: 403,
      body: { error: { code: 'CATALOG_FORBIDDEN' } },
    });
    expect(await getCatalog('', bearer('not.a.jwt'))).toMatchObject({
      status: 401,
      body: { error: { code: 'TOKEN_INVALID' } },
    });
    const steward = await getCatalog('', personaHeaders('data-steward'));
    expect(steward.status, JSON.stringify(steward.body).slice(0, 300)).toBe(200);
  });

  it('describes every product: descriptor, SLOs, classified fields with their policies, health', async () => {
    const { status, body } = await getCatalog();
    expect(status).toBe(200);
    expect(body.supergraphId).toMatch(/^[0-9a-f]{12}$/);
    expect(body.products.map((p) => p.name)).toEqual([
      'catalog',
      'customers',
      'orders',
      'payments',
      'shipping',
    ]);

    const payments = body.products.find((p) => p.name === 'payments')!;
    expect(payments.descriptor).toEqual({
      domain: 'Finance',
      owner: { team: 'finance-data', email: 'finance-data@example.com' },
      description: expect.stringMatching(/^Every payment attempt for an order/),
      version: '1.0.0',
      status: 'active',
      slo: { freshness: '15m', availability: 99.9 },
      tags: ['finance', 'payments'],
    });
    expect(payments.health).toEqual({ status: 'down', error: 'ECONNREFUSED' });
    const payment = payments.types.find((t) => t.name === 'Payment')!;
    expect(payment.fields.find((f) => f.name === 'cardLast4')).toMatchObject({
      type: 'String',
      classification: ['pci'],
    });
    expect(payment.fields.find((f) => f.name === 'cardLast4')!.policies.length).toBeGreaterThan(0);
    expect(payment.fields.find((f) => f.name === 'method')).toMatchObject({
      type: 'PaymentMethod!',
      classification: [],
      policies: [],
    });
    // Payments adds Order.payments to the orders domain's entity: listed under payments.
    expect(payments.types.find((t) => t.name === 'Order')?.fields.map((f) => f.name)).toEqual([
      'id',
      'payments',
    ]);

    const customers = body.products.find((p) => p.name === 'customers')!;
    expect(customers.health).toMatchObject({ status: 'up' });
    const customer = customers.types.find((t) => t.name === 'Customer')!;
    expect(customer.fields.filter((f) => f.classification.includes('pii')).map((f) => f.name)).toEqual([
      'name',
      'email',
      'phone',
      'birthDate',
    ]);
  });

  it('lists who consumes a product, from lineage', async () => {
    const { body: answer } = await graphql(gateway.url, EXAMPLE_QUERY, {
      headers: personaHeaders('analyst'),
    });
    expect(answer.data).not.toBeNull();
    await expect
      .poll(
        async () =>
          (await getCatalog('/orders')).body.products[0]?.consumers?.find((c) => c.principal === 'ana'),
        { timeout: 10_000 },
      )
      .toMatchObject({
        principal: 'ana',
        count: 1,
        fields: expect.arrayContaining(['Order.status', 'Order.total', 'OrderLine.quantity']),
      });
  });

  it('answers 404 for a product that is not in the supergraph', async () => {
    expect(await getCatalog('/inventory')).toMatchObject({
      status: 404,
      body: { error: { code: 'UNKNOWN_SUBGRAPH' } },
    });
  });
});

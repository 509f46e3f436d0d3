import Fastify from 'fastify';
import { describe, expect, it } from 'vitest';
import { ANONYMOUS } from '../auth/anonymous.js';
import type { Principal } from '../common/types.js';
import { lineageAdmin, registerLineageRoutes } from './admin.js';
import { sampleEvent } from '../../test/support/lineage-event.js';
import { principal } from '../../test/support/reference-policy.js';
import { memoryStore } from './memory-store.js';
import { serialize } from './wire.js';

async function storeWith() {
  const store = memoryStore({ maxEvents: 100 });
  const record = (who: Principal, reads: { path: string; coordinate: string; product: string }[]) =>
    sampleEvent({
      client: { name: 'app', version: '1' },
      principal: who,
      reads: reads.map((r) => ({ ...r, type: 'String' })),
    });
  const events = [
    record(principal('alice', ['analyst']), [
      { path: 'customer.email', coordinate: 'Customer.email', product: 'customers' },
    ]),
    record(principal('alice', ['analyst']), [
      { path: 'order.id', coordinate: 'Order.id', product: 'orders' },
    ]),
    record(principal('bob', ['support']), [
      { path: 'customer.phone', coordinate: 'Customer.phone', product: 'customers' },
    ]),
  ];
  await store.write(events.map(serialize));
  return store;
}

describe('GET /admin/lineage', () => {
  it('refuses anonymous and non-admin principals with 403 LINEAGE_FORBIDDEN', async () => {
    const app = Fastify();
    // The route's own checks; the real authenticate is http/admin-route.test.ts's.
    const who: Record<string, Principal> = { 'Bearer alice': principal('alice', ['analyst']) };
    registerLineageRoutes(app, {
      authenticate: async (authorization) => who[authorization ?? ''] ?? ANONYMOUS,
      store: await storeWith(),
    });
    for (const authorization of [undefined, 'Bearer alice']) {
      const response = await app.inject({
        url: '/admin/lineage?product=customers',
        headers: authorization ? { authorization } : {},
      });
      expect(response.statusCode).toBe(403);
      expect(response.json()).toMatchObject({ error: { code: 'LINEAGE_FORBIDDEN' } });
    }
    await app.close();
  });

  it('answers a data steward with the same filters as the CLI', async () => {
    const store = await storeWith();
    const byProduct = await lineageAdmin(store, { product: 'customers', since: '1h' });
    expect(byProduct.status).toBe(200);
    expect((byProduct.body as { count: number }).count).toBe(2);
    const byPrincipal = await lineageAdmin(store, { product: 'customers', principal: 'alice' });
    expect((byPrincipal.body as { count: number }).count).toBe(1);
    const byField = await lineageAdmin(store, { field: 'Customer.phone' });
    expect(
      (byField.body as { events: { principal: { sub: string } }[] }).events.map((e) => e.principal.sub),
    ).toEqual(['bob']);
    const consumers = await lineageAdmin(store, { product: 'customers', report: 'consumers' });
    expect((consumers.body as { consumers: unknown[] }).consumers).toEqual([
      { principal: 'alice', fields: ['Customer.email'], count: 1, lastSeen: expect.any(String) },
      { principal: 'bob', fields: ['Customer.phone'], count: 1, lastSeen: expect.any(String) },
    ]);
  });

  it('answers a bad parameter with 400 BAD_USER_INPUT naming it', async () => {
    const store = await storeWith();
    expect(await lineageAdmin(store, { since: 'yesterday' })).toMatchObject({
      status: 400,
      body: { error: { code: 'BAD_USER_INPUT', message: expect.stringContaining('yesterday') } },
    });
    expect(await lineageAdmin(store, { field: 'email' })).toMatchObject({
      status: 400,
      body: { error: { message: expect.stringMatching(/^field:/) } },
    });
    expect(await lineageAdmin(store, { report: 'consumers' })).toMatchObject({
      status: 400,
      body: { error: { message: expect.stringMatching(/^product:/) } },
    });
  });
});

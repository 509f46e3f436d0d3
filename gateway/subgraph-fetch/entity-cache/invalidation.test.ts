import Fastify from 'fastify';
import { describe, expect, it } from 'vitest';
import { ANONYMOUS } from '../../auth/anonymous.js';
import { cacheInvalidateAdmin, cacheStatsAdmin, registerCacheRoutes } from './cache-admin.js';
import { createEntityCache } from './entity-cache.js';
import { invalidationMatcher, InvalidationRequestSchema } from './invalidation.js';

const customer = (id: string) => ({
  subgraph: 'customers',
  typename: 'Customer',
  representation: { __typename: 'Customer', id },
});
const root = { subgraph: 'customers', typename: null, representation: null };
const product = {
  subgraph: 'catalog',
  typename: 'Product',
  representation: { __typename: 'Product', sku: 'SKU-1', weight: 3 },
};

describe('which entries an invalidation drops', () => {
  it("a product: all of its subgraph's entries, none of another's", () => {
    const matches = invalidationMatcher({ product: 'customers' });
    expect([customer('1'), root, product].map(matches)).toEqual([true, true, false]);
  });

  it("a type and key: that entity, and the product's root-field answers (a list may hold it)", () => {
    const matches = invalidationMatcher({ product: 'customers', type: 'Customer', key: '42' });
    expect([customer('42'), customer('43'), root].map(matches)).toEqual([true, false, true]);
    const byField = invalidationMatcher({ product: 'catalog', type: 'Product', key: 'sku=SKU-1,weight=3' });
    expect(byField(product)).toBe(true);
    expect(invalidationMatcher({ product: 'catalog', type: 'Product', key: 'sku=SKU-2' })(product)).toBe(
      false,
    );
  });

  it('refuses a key without a type, and names that are not names', () => {
    const problems = (input: unknown) =>
      InvalidationRequestSchema.safeParse(input).error?.issues.map(
        (i) => `${String(i.path[0] ?? 'body')}: ${i.message}`,
      );
    expect(problems({ product: 'customers', key: '42' })).toEqual([
      'key: --key needs --type: a key is the key of one type',
    ]);
    expect(problems({ product: 'Customers!' })).toEqual([
      'product: must be a data product name such as customers',
    ]);
    expect(problems({ product: 'customers', extra: 1 })?.[0]).toMatch(/^body: Unrecognized key/);
  });
});

describe('the admin routes of the cache', () => {
  const cache = createEntityCache({
    config: { maxBytes: 10_000, prefix: 'x:' },
    freshness: () => ({ ttlMs: 1_000, version: '1' }),
  });
  const steward = { ...ANONYMOUS, sub: 'sam', anonymous: false, roles: ['data-steward'] };

  it('answer only admin and data-steward, with a code', async () => {
    const app = Fastify();
    // The route's own checks; the real authenticate is http/admin-route.test.ts's.
    registerCacheRoutes(app, {
      authenticate: async (authorization) => (authorization === 'Bearer sam' ? steward : ANONYMOUS),
      cache,
    });
    const anonymous = await app.inject({
      method: 'POST',
      url: '/admin/cache/invalidate',
      payload: { product: 'orders' },
    });
    expect({ status: anonymous.statusCode, body: anonymous.json() }).toEqual({
      status: 403,
      body: {
        error: {
          code: 'CACHE_FORBIDDEN',
          message: 'POST /admin/cache/invalidate needs role admin or data-steward; anonymous has none',
        },
      },
    });
    const stats = await app.inject({ url: '/admin/cache', headers: { authorization: 'Bearer sam' } });
    expect(stats.statusCode).toBe(200);
    expect(stats.json()).toMatchObject({ enabled: true, entries: 0, bytes: 0 });
    expect(cacheStatsAdmin(cache)).toMatchObject({ status: 200, body: { enabled: true } });
    await app.close();
  });

  it('invalidate here without Redis, and name a bad field', async () => {
    expect(await cacheInvalidateAdmin(cache, { product: 'orders' })).toEqual({
      status: 200,
      body: { product: 'orders', invalidated: 0, replicas: null },
    });
    expect(await cacheInvalidateAdmin(cache, { product: 'orders', key: '1' })).toMatchObject({
      status: 400,
      body: {
        error: { code: 'BAD_USER_INPUT', message: 'key: --key needs --type: a key is the key of one type' },
      },
    });
  });
});

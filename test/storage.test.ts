import { beforeAll, describe, expect, it } from 'vitest';
import { EXAMPLE_QUERY } from '../gateway/cli/example-query.js';
import type { RunningMesh } from '../gateway/cli/mesh.js';
import { graphql, sharedMesh, sharedPostgresMesh } from './support/mesh.js';
import { personaHeaders } from './support/personas.js';
import { ORDERS_PAGE } from './support/queries.js';

let pglite: RunningMesh;
let postgres: RunningMesh;
beforeAll(async () => {
  pglite = await sharedMesh();
  postgres = await sharedPostgresMesh();
});

describe('both storage modes serve the same data from the same SQL', () => {
  it('runs on embedded PGlite and on the PostgreSQL server', () => {
    expect(pglite.subgraphs.map((s) => s.db.kind)).toEqual(Array(5).fill('pglite'));
    expect(postgres.subgraphs.map((s) => s.db.kind)).toEqual(Array(5).fill('postgres'));
  });

  it('keeps one schema per domain in the one PostgreSQL database', async () => {
    const rows = await postgres.subgraphs[0]!.db.query<{ schema_name: string }>(
      `SELECT schema_name FROM information_schema.schemata WHERE schema_name = ANY($1) ORDER BY schema_name`,
      [['catalog', 'customers', 'orders', 'payments', 'shipping']],
    );
    expect(rows.map((r) => r.schema_name)).toEqual([
      'catalog',
      'customers',
      'orders',
      'payments',
      'shipping',
    ]);
    const [orders] = await postgres.subgraphs[2]!.db.query<{ n: number }>(
      'SELECT count(*)::int AS n FROM orders',
    );
    expect(orders).toEqual({ n: 50_000 });
  });

  it.each([
    ['the cross-domain example', EXAMPLE_QUERY, {}],
    ['a page of 100 orders', ORDERS_PAGE, { first: 100 }],
    [
      'filtered, paged lists of every domain',
      `query Lists($after: String) {
        customers(first: 3, after: $after, filter: { country: "DE", segment: CONSUMER }) { totalCount pageInfo { hasNextPage endCursor } edges { cursor node { id name email birthDate } } }
        products(first: 3, filter: { minPrice: 50, maxPrice: 60, active: true }) { totalCount edges { node { sku name price { amount } category { name } } } }
        payments(first: 2, filter: { status: REFUNDED, method: CARD }) { totalCount edges { node { id cardBrand cardLast4 cardHolder order { id status } } } }
        shipments(first: 2, filter: { country: "FR", status: IN_TRANSIT }) { totalCount edges { node { id address { city postalCode } items { lineNumber product { sku } } } } }
        categories { name products(first: 2) { totalCount edges { node { sku } } } }
      }`,
      { after: 'azoyMDA' },
    ],
  ])('answers %s identically', async (_name, query, variables) => {
    // As the data steward, who may read everything: storage, not policy, is under test here.
    const headers = personaHeaders('data-steward');
    const [fromPglite, fromPostgres] = await Promise.all([
      graphql(pglite.gateway.url, query, { variables, headers }),
      graphql(postgres.gateway.url, query, { variables, headers }),
    ]);
    expect(fromPglite.body.errors).toBeUndefined();
    expect(fromPglite.body.data).not.toBeNull();
    expect(fromPostgres.body).toEqual(fromPglite.body);
  });
});

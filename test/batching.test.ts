import { beforeAll, describe, expect, it } from 'vitest';
import type { RunningMesh } from '../gateway/cli/mesh.js';
import { graphql, sharedMesh } from './support/mesh.js';
import { ORDERS_PAGE } from './support/queries.js';

let mesh: RunningMesh;
beforeAll(async () => {
  mesh = await sharedMesh();
});

/** SQL statements each subgraph issues while one request runs (the e2e files run one at a time). */
async function statementsFor(first: number) {
  const before = new Map(mesh.subgraphs.map((s) => [s.name, s.db.stats.statements]));
  const { body } = await graphql<{ orders: { edges: unknown[] } }>(mesh.gateway.url, ORDERS_PAGE, {
    variables: { first },
  });
  expect(body.errors).toBeUndefined();
  expect(body.data?.orders.edges).toHaveLength(first);
  return Object.fromEntries(
    mesh.subgraphs.map((s) => [s.name, s.db.stats.statements - (before.get(s.name) ?? 0)]),
  );
}

describe('batching: one statement per type and relation, never one per parent', () => {
  it('costs the same for a page of 100 orders as for a page of 5', async () => {
    const five = await statementsFor(5);
    const hundred = await statementsFor(100);
    // orders: the page + the lines of all its orders; customers: every customer of the page
    // at once; catalog: every product of the page at once. Product names come from the order
    // lines (@provides) and cost the catalog nothing extra.
    const expected = { customers: 1, catalog: 1, orders: 2, payments: 0, shipping: 0 };
    expect(five).toEqual(expected);
    expect(hundred).toEqual(expected);
  });

  it('batches a paged relation across parents into one statement per argument set', async () => {
    const before = mesh.subgraphs.find((s) => s.name === 'orders')!.db.stats.statements;
    const { body } = await graphql<{
      customers: { edges: { node: { orders: { edges: unknown[]; totalCount: number } } }[] };
    }>(
      mesh.gateway.url,
      `
        {
          customers(first: 50) {
            edges {
              node {
                id
                orders(first: 3, filter: { status: DELIVERED }) {
                  totalCount
                  edges {
                    node {
                      id
                      status
                    }
                  }
                }
              }
            }
          }
        }
      `,
    );
    expect(body.errors).toBeUndefined();
    const orders = body.data!.customers.edges.map((e) => e.node.orders);
    expect(orders).toHaveLength(50);
    expect(orders.every((o) => o.edges.length <= 3)).toBe(true);
    // Every customer has 10 orders, half of them delivered: the seed's deterministic world.
    expect(orders.map((o) => o.totalCount)).toEqual(Array(50).fill(5));
    const after = mesh.subgraphs.find((s) => s.name === 'orders')!.db.stats.statements;
    expect(after - before).toBe(2); // one windowed page query, one grouped count
  });

  it('shares identical subgraph queries in flight at once (in-flight de-duplication)', async () => {
    const orders = mesh.subgraphs.find((s) => s.name === 'orders')!.db;
    const before = orders.stats.statements;
    const responses = await Promise.all(
      Array.from({ length: 10 }, () =>
        graphql<{ orders: { edges: unknown[] } }>(mesh.gateway.url, ORDERS_PAGE, { variables: { first: 7 } }),
      ),
    );
    expect(responses.map((r) => r.body.data?.orders.edges.length)).toEqual(Array(10).fill(7));
    expect(responses.every((r) => JSON.stringify(r.body) === JSON.stringify(responses[0]!.body))).toBe(true);
    // Without sharing: 10 requests × 2 statements. Concurrent identical fetches share a round trip.
    expect(orders.stats.statements - before).toBeLessThan(20);
  });
});

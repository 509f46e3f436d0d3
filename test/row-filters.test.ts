import { mkdtempSync, readdirSync, copyFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { RunningMesh } from '../gateway/cli/mesh.js';
import type { RunningGateway } from '../gateway/server.js';
import { toOpenLineage } from '../gateway/lineage/openlineage.js';
import type { LineageEvent } from '../gateway/lineage/types.js';
import { graphql, sharedMesh, type GraphQLResponse } from './support/mesh.js';
import { bearer, gatewayOver, personaHeaders, personaToken } from './support/personas.js';

/**
 * Row filters end to end: the regional analyst (countries DE, AT; rule
 * regional-analyst-customers in policies/customers.yaml) reads customers filtered in the
 * customers product's SQL, and references to other countries' customers as null with
 * ROW_FILTERED at their path. The property test at the end drives random query shapes.
 */
const COUNTRIES = new Set(['DE', 'AT']);
const RULE = 'regional-analyst-customers';
const RUNS = Number(process.env.ROW_FILTER_PROPERTY_RUNS ?? 60);

let mesh: RunningMesh;
let gateway: RunningGateway;
const regional = () => personaHeaders('regional-analyst');
const steward = () => personaHeaders('data-steward');
/** The DE and AT customers' ids in id order, as the data steward reads them (the oracle). */
let regionalIds: string[] = [];
/** Per country, its customers' ids in id order: the oracle for the property's other personas. */
const idsByCountry = new Map<string, string[]>();
const PROPERTY_COUNTRIES = ['DE', 'AT', 'FR', 'NL'];

type Edge = { cursor: string; node: { id: string; country: string } };
type Page = {
  totalCount: number;
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
  edges: Edge[];
};

async function page(headers: Record<string, string>, first: number, after?: string | null, country?: string) {
  const { body } = await graphql<{ customers: Page }>(
    gateway.url,
    `
      query P($first: Int, $after: String, $filter: CustomerFilter) {
        customers(first: $first, after: $after, filter: $filter) {
          totalCount
          pageInfo {
            hasNextPage
            endCursor
          }
          edges {
            cursor
            node {
              id
              country
            }
          }
        }
      }
    `,
    { headers, variables: { first, after: after ?? null, filter: country ? { country } : null } },
  );
  expect(body.errors).toBeUndefined();
  return body.data!.customers;
}

async function allPages(
  headers: Record<string, string>,
  country?: string,
): Promise<{ ids: string[]; pages: Page[] }> {
  const pages: Page[] = [];
  let after: string | null = null;
  do {
    const next = await page(headers, 100, after, country);
    pages.push(next);
    after = next.pageInfo.hasNextPage ? next.pageInfo.endCursor : null;
  } while (after);
  return { ids: pages.flatMap((p) => p.edges.map((e) => e.node.id)), pages };
}

beforeAll(async () => {
  mesh = await sharedMesh();
  gateway = await gatewayOver(mesh, { MESHGATE_LINEAGE: 'on' });
  const [de, at] = [await allPages(steward(), 'DE'), await allPages(steward(), 'AT')];
  regionalIds = [...de.ids, ...at.ids].sort((a, b) => Number(a) - Number(b));
  idsByCountry.set('DE', de.ids).set('AT', at.ids);
  for (const country of ['FR', 'NL']) idsByCountry.set(country, (await allPages(steward(), country)).ids);
});
afterAll(async () => {
  await gateway?.stop();
});

describe('the regional analyst (countries DE, AT)', () => {
  it('customers(first: 100): only DE and AT, totalCount agreeing with the rows, cursors consistent', async () => {
    const first = await page(regional(), 100);
    const countries = count(first.edges.map((e) => e.node.country));
    console.log(
      `customers(first: 100) for the regional analyst: totalCount ${first.totalCount}, rows ${first.edges.length}, countries ${JSON.stringify(countries)}`,
    );
    expect(Object.keys(countries).sort()).toEqual(['AT', 'DE']);
    expect(first.edges).toHaveLength(100);
    expect(first.totalCount).toBe(regionalIds.length);
    expect(first.edges.map((e) => e.node.id)).toEqual(regionalIds.slice(0, 100));
    // Paging to the end: every DE/AT customer once, in order, and nothing else; each page's count the same.
    const { ids, pages } = await allPages(regional());
    expect(ids).toEqual(regionalIds);
    expect(new Set(pages.map((p) => p.totalCount))).toEqual(new Set([regionalIds.length]));
    expect(pages.at(-1)!.pageInfo.hasNextPage).toBe(false);
    expect(pages.flatMap((p) => p.edges).every((e) => COUNTRIES.has(e.node.country))).toBe(true);
    // A filter of the client's own narrows within the row filter: FR is outside, so nothing.
    expect((await page(regional(), 10, null, 'FR')).totalCount).toBe(0);
    expect((await page(regional(), 10, null, 'DE')).totalCount).toBe(regionalIds.length / 2);
    // The analyst without countries is not filtered.
    const analyst = await page(personaHeaders('analyst'), 1);
    expect(analyst.totalCount).toBeGreaterThan(regionalIds.length);
  });

  it("orders across customers: other countries' customers are null, with ROW_FILTERED at their path", async () => {
    const query = '{ orders(first: 100) { totalCount edges { node { id customer { id country } } } } }';
    const [seen, truth] = await Promise.all([
      graphql<{
        orders: {
          totalCount: number;
          edges: { node: { id: string; customer: { id: string; country: string } | null } }[];
        };
      }>(gateway.url, query, { headers: regional() }),
      graphql<{ orders: { edges: { node: { customer: { id: string; country: string } } }[] } }>(
        gateway.url,
        query,
        {
          headers: steward(),
        },
      ),
    ]);
    const edges = seen.body.data!.orders.edges;
    const errors = new Map((seen.body.errors ?? []).map((e) => [e.path?.join('.'), e.extensions]));
    let visible = 0;
    edges.forEach(({ node }, i) => {
      const real = truth.body.data!.orders.edges[i]!.node.customer;
      if (COUNTRIES.has(real.country)) {
        visible += 1;
        expect(node.customer).toEqual(real);
      } else {
        expect(node.customer).toBeNull();
        expect(errors.get(`orders.edges.${i}.node.customer`)).toMatchObject({
          code: 'ROW_FILTERED',
          rule: RULE,
        });
      }
    });
    const countries = count(edges.flatMap(({ node }) => (node.customer ? [node.customer.country] : [])));
    console.log(
      `orders(first: 100) for the regional analyst: totalCount ${seen.body.data!.orders.totalCount}, orders ${edges.length}, customers shown ${visible} ${JSON.stringify(countries)}, filtered ${errors.size} (ROW_FILTERED)`,
    );
    expect(errors.size).toBe(edges.length - visible);
    expect(visible).toBeGreaterThan(0);
    expect(errors.size).toBeGreaterThan(0);
    // Orders are not filtered: the same 100 orders as the steward's.
    expect(seen.body.data!.orders.totalCount).toBe(50_000);
  });

  it('order 22, whose customer lives in ES: the customer is null, the error names the rule', async () => {
    const { body } = await graphql(
      gateway.url,
      '{ order(id: "22") { id status customer { name country } } }',
      {
        headers: regional(),
      },
    );
    expect(body.data).toEqual({ order: { id: '22', status: 'DELIVERED', customer: null } });
    expect(body.errors).toEqual([
      expect.objectContaining({
        path: ['order', 'customer'],
        message: "Customer 4219 is outside the principal's row filter (rule regional-analyst-customers)",
        extensions: expect.objectContaining({ code: 'ROW_FILTERED', rule: RULE, type: 'Customer' }),
      }),
    ]);
    // A customer that does not exist is null without an error: absence is not a filter.
    const missing = await graphql(gateway.url, '{ customer(id: "999999") { id } }', { headers: regional() });
    expect(missing.body).toEqual({ data: { customer: null } });
  });

  it('identical subgraph queries under different filters never share a fetch', async () => {
    const query = '{ customers(first: 8) { totalCount edges { node { id country } } } }';
    // Interleaved and concurrent: in-flight de-duplication would hand one answer to both.
    const answers = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        graphql<{ customers: { totalCount: number; edges: Edge[] } }>(gateway.url, query, {
          headers: i % 2 ? regional() : personaHeaders('analyst'),
        }),
      ),
    );
    answers.forEach(({ body }, i) => {
      const countries = body.data!.customers.edges.map((e) => e.node.country);
      if (i % 2) {
        expect(countries.every((c) => COUNTRIES.has(c))).toBe(true);
        expect(body.data!.customers.totalCount).toBe(regionalIds.length);
      } else expect(countries.some((c) => !COUNTRIES.has(c))).toBe(true);
    });
  });

  it('lineage records the filters applied', async () => {
    const token = personaToken('regional-analyst', { sub: 'rea-lineage' });
    await graphql(gateway.url, 'query Lineage { customers(first: 1) { totalCount } }', {
      headers: bearer(token),
    });
    await vi.waitFor(
      async () => {
        const response = await fetch(
          `${gateway.url.replace('/graphql', '')}/admin/lineage?since=1h&principal=rea-lineage`,
          {
            headers: steward(),
          },
        );
        const { events } = (await response.json()) as { events: LineageEvent[] };
        expect(events[0]?.rowFilters).toEqual([{ type: 'Customer', rule: RULE, subgraph: 'customers' }]);
        // The OpenLineage export carries them in the meshgate run facet.
        expect(toOpenLineage(events[0]!).run.facets.meshgate).toMatchObject({
          rowFilters: [{ type: 'Customer', rule: RULE, subgraph: 'customers' }],
        });
      },
      { timeout: 10_000, interval: 100 },
    );
  });
});

describe('a product that cannot enforce a filter refuses the request', () => {
  let strict: RunningGateway;
  beforeAll(async () => {
    // The shipped policies plus a filter on Order, which the orders product does not filter.
    const dir = mkdtempSync(join(tmpdir(), 'meshgate-filters-'));
    for (const file of readdirSync('policies').filter((f) => f.endsWith('.yaml')))
      copyFileSync(join('policies', file), join(dir, file));
    writeFileSync(
      join(dir, 'orders.yaml'),
      `apiVersion: meshgate/v1
kind: Policy
owner: sales-data
rules:
  - id: paid-orders-only
    description: test
    target: Order
    when: "'analyst' in principal.roles"
    effect: filter
    where: "row.status == 'PAID'"
`,
    );
    strict = await gatewayOver(mesh, { POLICY_DIR: dir });
  });
  afterAll(async () => {
    await strict?.stop();
  });

  it('answers no data from it, with ROW_FILTER_UNENFORCEABLE naming the rule', async () => {
    const { body } = await graphql(strict.url, '{ orders(first: 3) { totalCount } }', {
      headers: personaHeaders('analyst'),
    });
    expect(body.data).toEqual({ orders: null });
    expect(body.errors?.[0]?.extensions?.code).toBe('ROW_FILTER_UNENFORCEABLE');
    expect(body.errors?.[0]?.message).toBe(
      'Row filter not enforceable here: rule paid-orders-only filters Order, which this data product does not filter',
    );
    // A principal the filter does not apply to is served as before.
    const stew = await graphql(strict.url, '{ orders(first: 3) { totalCount } }', { headers: steward() });
    expect(stew.body.data).toEqual({ orders: { totalCount: 50_000 } });
  });
});

// ---------------------------------------------------------------------------------------------
// Property: across query shapes, no row outside the filter appears and counts agree.

interface CustomerShape {
  wrap: 'none' | 'inline' | 'named';
  alias: boolean;
  nested: boolean;
}
type Root =
  | { kind: 'customers'; first: number; after: number | null; shape: CustomerShape }
  | { kind: 'orders'; first: number; shape: CustomerShape }
  | { kind: 'order'; id: number; shape: CustomerShape }
  | { kind: 'customer'; id: number; shape: CustomerShape };

const shapeArb: fc.Arbitrary<CustomerShape> = fc.record({
  wrap: fc.constantFrom('none', 'inline', 'named'),
  alias: fc.boolean(),
  nested: fc.boolean(),
});
const rootArb: fc.Arbitrary<Root> = fc.oneof(
  fc.record({
    kind: fc.constant('customers' as const),
    first: fc.integer({ min: 0, max: 30 }),
    after: fc.option(fc.integer({ min: 0, max: 1_249 })),
    shape: shapeArb,
  }),
  fc.record({
    kind: fc.constant('orders' as const),
    first: fc.integer({ min: 1, max: 20 }),
    shape: shapeArb,
  }),
  fc.record({
    kind: fc.constant('order' as const),
    id: fc.integer({ min: 1, max: 50_000 }),
    shape: shapeArb,
  }),
  fc.record({
    kind: fc.constant('customer' as const),
    id: fc.integer({ min: 1, max: 10_000 }),
    shape: shapeArb,
  }),
);

/** A Customer selection: `__typename` always (the walk finds customers by it), country as `cc`. */
function customerSelection(shape: CustomerShape, depth = 0): string {
  const nested =
    shape.nested && depth === 0
      ? ` orders(first: 2) { totalCount edges { node { id customer { ${customerSelection(shape, 1)} } } } }`
      : '';
  const fields = `${shape.alias ? 'key: id' : 'id'} cc: country${nested}`;
  if (shape.wrap === 'inline') return `__typename ... on Customer { ${fields} }`;
  if (shape.wrap === 'named' && depth === 0) return `__typename ...C`;
  return `__typename ${fields}`;
}

function operation(roots: Root[], ids: readonly string[]): { text: string; named: boolean } {
  const cursor = (index: number) => Buffer.from(`k:${ids[index % ids.length]}`).toString('base64url');
  const parts = roots.map((root, i) => {
    const selection = customerSelection(root.shape);
    switch (root.kind) {
      case 'customers':
        return `r${i}: customers(first: ${root.first}${root.after === null ? '' : `, after: "${cursor(root.after)}"`}) { totalCount pageInfo { hasNextPage } edges { node { ${selection} } } }`;
      case 'orders':
        return `r${i}: orders(first: ${root.first}) { edges { node { id customer { ${selection} } } } }`;
      case 'order':
        return `r${i}: order(id: "${root.id}") { id customer { ${selection} } }`;
      case 'customer':
        return `r${i}: customer(id: "${root.id}") { ${selection} }`;
    }
  });
  const named = roots.some((r) => r.shape.wrap === 'named');
  const nestedNamed = roots.some((r) => r.shape.wrap === 'named' && r.shape.nested);
  const fragment = named
    ? `\nfragment C on Customer { id cc: country${nestedNamed ? ' orders(first: 2) { totalCount edges { node { id customer { __typename id cc: country } } } }' : ''} }`
    : '';
  // One fragment definition serves every root: make its shape the same for all named roots.
  return { text: `query Q { ${parts.join(' ')} }${fragment}`, named };
}

type Json = null | string | number | boolean | Json[] | { [key: string]: Json };
const isCustomer = (value: Json): value is { [key: string]: Json } =>
  typeof value === 'object' && value !== null && !Array.isArray(value) && value.__typename === 'Customer';

interface Counts {
  queries: number;
  customersShown: number;
  referencesFiltered: number;
  listRows: number;
  totalCounts: number;
  /** Distinct country sets the analysts had. */
  personas: Set<string>;
}

/**
 * Compares the regional analyst's answer with the steward's of the same operation: a customer
 * the steward sees in DE/AT is the same for both; one elsewhere is null for the analyst with
 * ROW_FILTERED at its path. Root customer lists are compared with the oracle's id list instead.
 */
function compare(
  allowed: ReadonlySet<string>,
  steward: Json,
  seen: Json,
  path: string[],
  errors: Map<string, Record<string, unknown> | undefined>,
  counts: Counts,
): void {
  if (isCustomer(steward)) {
    if (!allowed.has(String(steward.cc))) {
      expect(seen, path.join('.')).toBeNull();
      expect(errors.get(path.join('.')), path.join('.')).toMatchObject({ code: 'ROW_FILTERED', rule: RULE });
      counts.referencesFiltered += 1;
      return;
    }
    expect(isCustomer(seen), path.join('.')).toBe(true);
    counts.customersShown += 1;
  }
  if (Array.isArray(steward)) {
    expect(Array.isArray(seen) && seen.length === steward.length, path.join('.')).toBe(true);
    steward.forEach((item, i) =>
      compare(allowed, item, (seen as Json[])[i]!, [...path, String(i)], errors, counts),
    );
    return;
  }
  if (typeof steward === 'object' && steward !== null) {
    for (const [key, value] of Object.entries(steward))
      compare(allowed, value, (seen as Record<string, Json>)[key]!, [...path, key], errors, counts);
    return;
  }
  expect(seen, path.join('.')).toEqual(steward);
}

/** No customer outside DE/AT anywhere in the analyst's answer. */
function customersIn(value: Json, into: Json[] = []): Json[] {
  if (isCustomer(value)) into.push(value);
  if (Array.isArray(value)) for (const v of value) customersIn(v, into);
  else if (typeof value === 'object' && value !== null)
    for (const v of Object.values(value)) customersIn(v, into);
  return into;
}

describe('property: no row outside the filter, counts agree with the rows', () => {
  it('holds across personas and query shapes (aliases, fragments, nested references, entity paths, paging)', async () => {
    const counts: Counts = {
      queries: 0,
      customersShown: 0,
      referencesFiltered: 0,
      listRows: 0,
      totalCounts: 0,
      personas: new Set<string>(),
    };
    await fc.assert(
      fc.asyncProperty(
        // A persona: an analyst of one to four countries (the reference one is DE, AT).
        fc.subarray(PROPERTY_COUNTRIES, { minLength: 1 }),
        fc.array(rootArb, { minLength: 1, maxLength: 3 }),
        async (countries, roots) => {
          const allowed = new Set(countries);
          const ids = countries.flatMap((c) => idsByCountry.get(c)!).sort((a, b) => Number(a) - Number(b));
          const headers = bearer(
            personaToken('regional-analyst', {
              sub: `rea-${countries.join('-')}`,
              attributes: { countries },
            }),
          );
          const { text } = operation(roots, ids);
          const [seen, truth]: [
            GraphQLResponse<Record<string, Json>>,
            GraphQLResponse<Record<string, Json>>,
          ] = await Promise.all([
            graphql<Record<string, Json>>(gateway.url, text, { headers }),
            graphql<Record<string, Json>>(gateway.url, text, { headers: steward() }),
          ]);
          counts.queries += 1;
          expect(truth.body.errors, text).toBeUndefined();
          for (const error of seen.body.errors ?? [])
            expect(error.extensions?.code, text).toBe('ROW_FILTERED');
          const errors = new Map(
            (seen.body.errors ?? []).map((e) => [e.path?.join('.') ?? '', e.extensions]),
          );
          const data = seen.body.data!;
          for (const customer of customersIn(data))
            expect(allowed.has(String((customer as Record<string, Json>).cc)), text).toBe(true);
          roots.forEach((root, i) => {
            const key = `r${i}`;
            if (root.kind !== 'customers')
              return compare(allowed, truth.body.data![key]!, data[key]!, [key], errors, counts);
            // A root list: exactly the oracle's next rows after the cursor, its totalCount the filter's.
            const list = data[key] as {
              totalCount: number;
              pageInfo: { hasNextPage: boolean };
              edges: { node: Record<string, Json> }[];
            };
            const start = root.after === null ? 0 : (root.after % ids.length) + 1;
            const expected = ids.slice(start, start + root.first);
            expect(
              list.edges.map((e) => e.node.key ?? e.node.id),
              text,
            ).toEqual(expected);
            expect(list.totalCount, text).toBe(ids.length);
            expect(list.pageInfo.hasNextPage, text).toBe(start + root.first < ids.length);
            counts.listRows += list.edges.length;
            counts.totalCounts += 1;
            // The customers' own orders (not filtered) read as the steward reads them.
            list.edges.forEach((edge, j) => {
              if (edge.node.orders === undefined) return;
              const real = (truth.body.data![key] as typeof list).edges;
              const same = real.find((e) => (e.node.key ?? e.node.id) === (edge.node.key ?? edge.node.id));
              if (same)
                compare(
                  allowed,
                  same.node.orders!,
                  edge.node.orders!,
                  [key, 'edges', String(j), 'node', 'orders'],
                  errors,
                  counts,
                );
            });
          });
          counts.personas.add(countries.join(','));
        },
      ),
      { numRuns: RUNS },
    );
    console.log(
      `row-filter property: ${RUNS} cases, ${JSON.stringify({ ...counts, personas: counts.personas.size })}`,
    );
    expect(counts.queries).toBe(RUNS);
    expect(counts.referencesFiltered).toBeGreaterThan(0);
    expect(counts.customersShown).toBeGreaterThan(0);
  });
});

function count(values: readonly string[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const v of [...values].sort()) counts[v] = (counts[v] ?? 0) + 1;
  return counts;
}

import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createLogger } from '../gateway/common/logger.js';
import { startMesh, type RunningMesh } from '../gateway/cli/mesh.js';
import type { RunningGateway } from '../gateway/server.js';
import type { CacheStats } from '../gateway/subgraph-fetch/entity-cache/index.js';
import type { LineageEvent } from '../gateway/lineage/types.js';
import { runMeshgate } from './support/cli.js';
import { graphql, testConfig } from './support/mesh.js';
import { gatewayOver, personaHeaders, type Persona } from './support/personas.js';
import { pgliteTemplates } from './support/pglite-templates.js';

/**
 * The entity cache end to end, on a mesh of its own (it updates rows, and the shared mesh's
 * gateway runs with the cache off): MESHGATE_CACHE=on with every TTL capped at 2 s, so the
 * freshness bound can be watched in a test.
 */
const TTL_MS = 2_000;
const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

let mesh: RunningMesh;
let base: string;
beforeAll(async () => {
  mesh = await startMesh(
    testConfig({ MESHGATE_CACHE: 'on', MESHGATE_CACHE_TTL_MAX: String(TTL_MS / 1_000) }),
    createLogger('silent'),
    { ports: 'free', persistent: false, templates: pgliteTemplates() },
  );
  base = mesh.gateway.url.replace(/\/graphql$/, '');
});
afterAll(async () => {
  await mesh?.stop();
});

const steward = personaHeaders('data-steward');

const CUSTOMER_OF_ORDER = `query CustomerOfOrder($id: ID!) { order(id: $id) { id customer { id name country } } }`;

async function stats(url = base): Promise<CacheStats> {
  const response = await fetch(`${url}/admin/cache`, { headers: steward });
  expect(response.status).toBe(200);
  return (await response.json()) as CacheStats;
}

async function customerOf(order: string, url = mesh.gateway.url) {
  const { body } = await graphql<{ order: { customer: { id: string; name: string; country: string } } }>(
    url,
    CUSTOMER_OF_ORDER,
    { variables: { id: order }, headers: steward },
  );
  expect(body.errors).toBeUndefined();
  return body.data!.order.customer;
}

describe('the entity cache', () => {
  it('never answers older than the freshness bound after a row changes, and then shows the new value', async () => {
    const before = await customerOf('31');
    await customerOf('31');
    expect((await stats()).subgraphs.customers?.hits).toBeGreaterThanOrEqual(1);

    const customers = mesh.subgraphs.find((s) => s.name === 'customers')!;
    const renamed = `Renamed ${randomUUID().slice(0, 8)}`;
    await customers.db.query('UPDATE customers SET name = $1 WHERE id = $2', [renamed, Number(before.id)]);
    const updatedAt = Date.now();

    let reads = 0;
    let staleBeyondBound = 0;
    let oldWithinBound = 0;
    await vi.waitFor(
      async () => {
        const askedAt = Date.now();
        const customer = await customerOf('31');
        reads += 1;
        if (customer.name === before.name) {
          if (askedAt - updatedAt >= TTL_MS) staleBeyondBound += 1;
          else oldWithinBound += 1;
        }
        expect(customer.name).toBe(renamed);
      },
      { timeout: TTL_MS * 4, interval: 50 },
    );
    console.log(
      `staleness: ${reads} reads after the update, ${oldWithinBound} old within the ${TTL_MS} ms bound, ${staleBeyondBound} beyond it`,
    );
    expect(staleBeyondBound).toBe(0);
    // It was cached: the old name was served for a while after the update.
    expect(oldWithinBound).toBeGreaterThan(0);
    await customers.db.query('UPDATE customers SET name = $1 WHERE id = $2', [
      before.name,
      Number(before.id),
    ]);
  });

  it('marks the reads it served in the lineage event, which still records every read', async () => {
    await customerOf('32');
    const requestId = `cache-lineage-${randomUUID()}`;
    const { body } = await graphql(mesh.gateway.url, CUSTOMER_OF_ORDER, {
      variables: { id: '32' },
      headers: { ...steward, 'x-request-id': requestId },
    });
    expect(body.errors).toBeUndefined();
    const event = await vi.waitFor(
      async () => {
        const response = await fetch(`${base}/admin/lineage?since=5m&limit=10000`, { headers: steward });
        const { events } = (await response.json()) as { events: LineageEvent[] };
        const found = events.find((e) => e.requestId === requestId);
        expect(found).toBeDefined();
        return found!;
      },
      { timeout: 15_000, interval: 100 },
    );
    expect(
      event.fetches.map((f) => [f.subgraph, f.entityCount, (f as { cacheHits?: number }).cacheHits]),
    ).toEqual([
      ['orders', 0, 1],
      ['customers', 1, 1],
    ]);
    expect(event.fields.map((f) => f.coordinate)).toEqual(
      expect.arrayContaining(['Query.order', 'Order.customer', 'Customer.name', 'Customer.country']),
    );
  });

  it('counts hits, misses, entries and bytes in /metrics', async () => {
    await customerOf('33');
    await customerOf('33');
    const text = await (await fetch(`${base}/metrics`)).text();
    const value = (name: string) =>
      Number(new RegExp(`^${name}\\{subgraph="customers"\\} (\\d+)`, 'm').exec(text)?.[1]);
    expect(value('meshgate_cache_hits_total')).toBeGreaterThanOrEqual(1);
    expect(value('meshgate_cache_misses_total')).toBeGreaterThanOrEqual(1);
    expect(value('meshgate_cache_entries')).toBeGreaterThanOrEqual(1);
    expect(value('meshgate_cache_bytes')).toBeGreaterThan(0);
    expect(text).toMatch(/^meshgate_cache_stale_total\{subgraph="customers"\} \d+/m);
    expect(text).toMatch(/^# TYPE meshgate_cache_evictions_total counter/m);
  });

  it('`meshgate cache invalidate` drops the entries: the next read is a miss', async () => {
    // The products' own TTLs (an hour for customers): only the invalidation can make it a miss.
    const gateway = await gatewayOver(mesh, { MESHGATE_CACHE: 'on' });
    try {
      const url = gateway.url.replace(/\/graphql$/, '');
      await customerOf('34', gateway.url);
      await customerOf('34', gateway.url);
      const warm = (await stats(url)).subgraphs.customers!;
      expect(warm).toMatchObject({ hits: 1, misses: 1, entries: 1 });
      const run = await runMeshgate(['cache', 'invalidate', '--product', 'customers', '--url', url]);
      expect(run.stderr).toBe('');
      expect(run.code).toBe(0);
      expect(run.stdout).toBe(`invalidated customers on ${url}: 1 entr(y/ies) here\n`);
      await customerOf('34', gateway.url);
      const after = (await stats(url)).subgraphs.customers!;
      expect(after).toMatchObject({ hits: 1, misses: 2, stale: 0, entries: 1 });

      const listed = await runMeshgate(['cache', 'stats', '--url', url]);
      expect(listed.code).toBe(0);
      console.log(listed.stdout);
      expect(listed.stdout).toMatch(new RegExp(`^${url}\tcustomers\t1\t2\t33.3%\t0\t0\t1\t[0-9]+$`, 'm'));
    } finally {
      await gateway.stop();
    }
  });

  it('refuses a bad invalidation with a code, and the gateway stays up', async () => {
    const run = await runMeshgate([
      'cache',
      'invalidate',
      '--product',
      'customers',
      '--key',
      '7',
      '--url',
      base,
    ]);
    expect(run.code).toBe(1);
    expect(run.stderr).toBe(
      'meshgate: error[BAD_USER_INPUT]: --key: --key needs --type: a key is the key of one type\n',
    );
    const anonymous = await fetch(`${base}/admin/cache/invalidate`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ product: 'customers' }),
    });
    expect(anonymous.status).toBe(403);
    expect(await anonymous.json()).toMatchObject({ error: { code: 'CACHE_FORBIDDEN' } });
    expect((await customerOf('34')).id).toBeTruthy();
  });

  it('invalidates every replica over Redis pub/sub, L2 included', async () => {
    const prefix = `meshgate:test:${randomUUID()}:cache:`;
    const env = { MESHGATE_CACHE: 'on', MESHGATE_CACHE_L2: 'on', REDIS_URL, MESHGATE_CACHE_PREFIX: prefix };
    const replicas = [await gatewayOver(mesh, env), await gatewayOver(mesh, env)];
    try {
      const [a, b] = replicas.map((g) => g.url.replace(/\/graphql$/, '')) as [string, string];
      await customerOf('35', replicas[0]!.url);
      // The other replica reads what the first fetched, from Redis.
      await vi.waitFor(async () => {
        await customerOf('35', replicas[1]!.url);
        expect((await stats(b)).subgraphs.customers?.l2Hits).toBeGreaterThanOrEqual(1);
      });
      // Both replicas listen before the message goes out (each subscribes as it connects).
      const probe = new Redis(REDIS_URL);
      await vi.waitFor(async () =>
        expect(await probe.pubsub('NUMSUB', `${prefix}invalidate`)).toEqual([`${prefix}invalidate`, 2]),
      );
      probe.disconnect();
      const run = await runMeshgate(['cache', 'invalidate', '--product', 'customers', '--type', 'Customer'], {
        REDIS_URL,
        MESHGATE_CACHE_PREFIX: prefix,
      });
      expect(run.stderr).toBe('');
      expect(run.stdout).toBe(`invalidated customers Customer on 2 replica(s) (${REDIS_URL})\n`);
      await vi.waitFor(
        async () => {
          for (const url of [a, b]) expect((await stats(url)).subgraphs.customers?.entries).toBe(0);
        },
        { timeout: 15_000, interval: 100 },
      );
      const missesBefore = (await stats(b)).subgraphs.customers!.misses;
      await customerOf('35', replicas[1]!.url);
      expect((await stats(b)).subgraphs.customers!.misses).toBe(missesBefore + 1);
    } finally {
      await Promise.all(replicas.map((g: RunningGateway) => g.stop()));
    }
  });
});

describe('the entity cache and policies', () => {
  const PERSONAS: Persona[] = ['anonymous', 'analyst', 'support', 'finance', 'data-steward'];
  const SHAPES = [
    `query O($id: ID!) { order(id: $id) { id status
       customer { id name email phone birthDate country }
       payments { method cardBrand cardLast4 cardHolder }
       shipments { carrier address { recipient street city } } } }`,
    `query C($id: ID!) { customer(id: $id) { id name email phone
       orders(first: 2) { edges { node { id payments { cardLast4 cardHolder } } } } } }`,
    `query L($id: ID!) { customers(first: 3) { edges { node { id email phone } } } order(id: $id) { customer { email } } }`,
  ];
  let cached: RunningGateway;
  let stock: RunningGateway;
  beforeAll(async () => {
    cached = await gatewayOver(mesh, { MESHGATE_CACHE: 'on' });
    stock = await gatewayOver(mesh, { MESHGATE_CACHE: 'off' });
  });
  afterAll(async () => {
    await Promise.all([cached?.stop(), stock?.stop()]);
  });

  it('gives every persona the answer it gets without the cache: no entry crosses principals', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...PERSONAS),
        fc.constantFrom(...SHAPES),
        fc.integer({ min: 1, max: 4 }),
        async (persona, query, id) => {
          const options = { variables: { id: String(id) }, headers: personaHeaders(persona) };
          const [withCache, without] = await Promise.all([
            graphql(cached.url, query, options),
            graphql(stock.url, query, options),
          ]);
          expect(withCache.status).toBe(without.status);
          expect(withCache.body).toEqual(without.body);
        },
      ),
      { numRuns: Number(process.env.CACHE_PROPERTY_RUNS ?? 150) },
    );
    const { subgraphs } = await stats(cached.url.replace(/\/graphql$/, ''));
    const hits = Object.values(subgraphs).reduce((sum, s) => sum + s.hits, 0);
    const misses = Object.values(subgraphs).reduce((sum, s) => sum + s.misses, 0);
    console.log(`policy property: ${hits} cache hits, ${misses} misses over the runs`);
    expect(hits).toBeGreaterThan(0);
  });
});

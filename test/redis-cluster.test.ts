import { createHash } from 'node:crypto';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { replicaStateDir } from '../gateway/cli/distributed.js';
import { spawnMeshProcess, type ChildProcessHandle } from '../gateway/cli/mesh-process.js';
import { redisStore, type RedisLineageStore } from '../gateway/lineage/index.js';
import type { RedisConnection } from '../gateway/redis/redis-config.js';
import { publishSubgraph } from '../schema/registry/publish.js';
import { redisRegistry } from '../schema/registry/redis-registry.js';
import type { Registry } from '../schema/registry/types.js';
import { dataProducts } from '../subgraphs/index.js';
import { graphql, sharedMesh, testConfig } from './support/mesh.js';
import { bearer, personaToken } from './support/personas.js';
import { RedisCluster } from './support/redis-cluster.js';

/**
 * Every shared state on a real Redis Cluster: three masters with a replica each, started by
 * this test; two gateway processes serve the registry's supergraph from it, write lineage to
 * it and share APQ and rate limits through it. Then the master that holds lineage is killed.
 */
const LINEAGE_PREFIX = 'meshgate:{lineage}:';
const REGISTRY_PREFIX = 'meshgate:{registry}:';
const RATE_LIMIT_POINTS = 30;
const QUERY = 'query Product($sku: ID!) { product(sku: $sku) { sku name price { amount currency } } }';
const discard = new Writable({ write: (_chunk, _encoding, done) => done() });

let cluster: RedisCluster;
let connection: RedisConnection;
let registry: Registry;
let lineage: RedisLineageStore;
let gateways: { child: ChildProcessHandle; url: string }[] = [];
const startedAt = Date.now();

const proposal = (name: string, url: string, sdl: string) => ({
  name,
  url,
  sdl,
  descriptor: dataProducts.find((p) => p.name === name)!.descriptor,
  publishedBy: 'cluster-test',
});
const sku = (n: number) => `SKU-${String((n % 200) + 1).padStart(4, '0')}`;
/** One request as principal `sub` (its own rate-limit budget and lineage index). */
const asPrincipal = (url: string, sub: string, n: number) =>
  graphql(url, QUERY, {
    variables: { sku: sku(n) },
    headers: bearer(personaToken('analyst', { sub })),
  });
const withoutRedisUrl = ({ REDIS_URL: _ignored, ...env }: NodeJS.ProcessEnv) => env;
const eventsOf = async (sub: string) =>
  (await lineage.query({ since: startedAt, principal: sub, limit: 100_000 })).length;

beforeAll(async () => {
  const mesh = await sharedMesh();
  cluster = await RedisCluster.start({ masters: 3, replicasPerMaster: 1 });
  connection = testConfig({ REDIS_CLUSTER_NODES: cluster.nodesVariable }).redis!;
  registry = redisRegistry(connection, REGISTRY_PREFIX, 200);
  for (const product of dataProducts) {
    const url = mesh.subgraphs.find((s) => s.name === product.name)!.url;
    expect(await publishSubgraph(registry, proposal(product.name, url, product.sdl))).toMatchObject({
      published: true,
    });
  }
  lineage = await redisStore({ connection, prefix: LINEAGE_PREFIX, connect: true });
  const stateDir = testConfig().stateDir;
  gateways = await Promise.all(
    [1, 2].map(async (n) => {
      const child = spawnMeshProcess(
        `cluster-gateway-${n}`,
        'gateway',
        ['gateway', '--registry', '--port', '0'],
        {
          ...withoutRedisUrl(process.env),
          NODE_ENV: 'test',
          LOG_LEVEL: 'silent',
          HOST: '127.0.0.1',
          REDIS_CLUSTER_NODES: cluster.nodesVariable,
          REGISTRY_POLL_MS: '1000',
          RATE_LIMIT_POINTS: String(RATE_LIMIT_POINTS),
          RATE_LIMIT_WINDOW_SECONDS: '600',
          MESHGATE_STATE_DIR: replicaStateDir(stateDir, `cluster-gateway-${n}`),
        },
        { stdout: discard, stderr: discard },
      );
      return { child, url: (await child.ready(60_000, undefined)).url };
    }),
  );
}, 180_000);

afterAll(async () => {
  for (const { child } of gateways) child.signal('SIGTERM');
  await Promise.all(gateways.map(({ child }) => child.exited));
  await registry?.close();
  await lineage?.close();
  await cluster?.stop();
});

describe('on a Redis Cluster', () => {
  it('two gateways serve the registry supergraph and hot-reload a publish', async () => {
    const ready = async (url: string) =>
      (await (await fetch(url.replace('/graphql', '/ready'))).json()) as {
        supergraph: { version: number; source: string };
      };
    const before = await Promise.all(gateways.map(({ url }) => ready(url)));
    expect(before.map((s) => s.supergraph.version)).toEqual([5, 5]);
    expect(before[0]!.supergraph.source).toContain(`Redis Cluster 127.0.0.1:`);

    const catalog = dataProducts.find((p) => p.name === 'catalog')!;
    const sdl = catalog.sdl.replace(
      '  "Whether the product can be ordered today."',
      '  "Marketing colour, when the product comes in one."\n  color: String\n  "Whether the product can be ordered today."',
    );
    const current = (await registry.state()).subgraphs.find((s) => s.name === 'catalog')!;
    expect(await publishSubgraph(registry, proposal('catalog', current.url, sdl))).toMatchObject({
      published: true,
      supergraph: { version: 6 },
    });
    await vi.waitFor(
      async () =>
        expect(
          (await Promise.all(gateways.map(({ url }) => ready(url)))).map((s) => s.supergraph.version),
        ).toEqual([6, 6]),
      { timeout: 15_000, interval: 100 },
    );
    // Both serve the new schema (the running catalog subgraph does not implement `color` yet).
    for (const { url } of gateways) {
      const { body } = await graphql<{ __type: { fields: { name: string }[] } }>(
        url,
        '{ __type(name: "Product") { fields { name } } }',
      );
      expect(body.data?.__type.fields.map((f) => f.name)).toContain('color');
    }
  });

  it('shares APQ: a query registered on one gateway runs by hash on the other', async () => {
    const query = '{ product(sku: "SKU-0007") { sku name } }';
    const sha256Hash = createHash('sha256').update(query).digest('hex');
    const extensions = { persistedQuery: { version: 1, sha256Hash } };
    const post = (url: string, body: object) =>
      fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      }).then(
        async (r) => (await r.json()) as { data?: unknown; errors?: { extensions?: { code?: string } }[] },
      );
    const unknown = await post(gateways[1]!.url, { extensions });
    expect(unknown.errors?.[0]?.extensions?.code).toBe('PERSISTED_QUERY_NOT_FOUND');
    expect((await post(gateways[0]!.url, { query, extensions })).data).toEqual({
      product: { sku: 'SKU-0007', name: expect.any(String) },
    });
    expect((await post(gateways[1]!.url, { extensions })).data).toEqual({
      product: { sku: 'SKU-0007', name: expect.any(String) },
    });
  });

  it('shares one rate-limit budget across both gateways', async () => {
    const statuses: number[] = [];
    for (let n = 0; n < RATE_LIMIT_POINTS + 10; n++)
      statuses.push((await asPrincipal(gateways[n % 2]!.url, 'cluster-rate', n)).status);
    expect(statuses.filter((s) => s === 200).length).toBe(RATE_LIMIT_POINTS);
    expect(statuses.filter((s) => s === 429).length).toBe(10);
  });

  it('stores every operation exactly once, through a master failover', async () => {
    // Steady state: 40 operations from 40 principals, each stored once.
    const steady = await Promise.all(
      Array.from({ length: 40 }, (_, n) => asPrincipal(gateways[n % 2]!.url, `cluster-steady-${n}`, n)),
    );
    expect(steady.every((r) => r.status === 200)).toBe(true);
    await vi.waitFor(
      async () => {
        const counts = await Promise.all(steady.map((_, n) => eventsOf(`cluster-steady-${n}`)));
        expect(counts).toEqual(steady.map(() => 1));
      },
      { timeout: 20_000, interval: 200 },
    );

    // Load on both gateways; the master that holds lineage's slot is killed under it.
    let running = true;
    let sent = 0;
    const answered: string[] = [];
    const worker = async (w: number) => {
      for (let i = 0; running; i++) {
        const sub = `cluster-failover-${w}-${i}`;
        sent++;
        const response = await asPrincipal(gateways[w % 2]!.url, sub, i).catch(() => null);
        if (response?.status === 200 && response.body.data) answered.push(sub);
      }
    };
    const load = [0, 1, 2, 3].map(worker);
    await vi.waitFor(() => expect(answered.length).toBeGreaterThanOrEqual(40), {
      timeout: 30_000,
      interval: 20,
    });
    const killed = await cluster.masterOf(`${LINEAGE_PREFIX}events`);
    await cluster.kill(killed);
    await cluster.waitUntilHealthy(3, 30_000);
    const atFailover = answered.length;
    await vi.waitFor(() => expect(answered.length).toBeGreaterThanOrEqual(atFailover + 40), {
      timeout: 30_000,
      interval: 20,
    });
    running = false;
    await Promise.all(load);

    // Every answered operation's event reaches the promoted replica, once.
    await vi.waitFor(
      async () => {
        const events = await lineage.query({ since: startedAt, limit: 100_000 });
        const subs = events.map((e) => e.principal.sub).filter((s) => s.startsWith('cluster-failover-'));
        expect(new Set(subs).size).toBe(subs.length);
        expect(subs.filter((s) => answered.includes(s)).length).toBe(answered.length);
      },
      { timeout: 60_000, interval: 500 },
    );
    const events = await lineage.query({ since: startedAt, limit: 100_000 });
    const stored = events.filter((e) => e.principal.sub.startsWith('cluster-failover-')).length;
    console.log(
      `redis cluster failover: killed master 127.0.0.1:${killed}; requests sent ${sent}, answered ${answered.length}, lineage events stored ${stored} (duplicates 0)`,
    );
    expect(stored).toBe(answered.length);
  });
});

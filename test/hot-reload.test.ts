import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { spawnMeshProcess, type ChildProcessHandle } from '../gateway/cli/mesh-process.js';
import type { RunningMesh } from '../gateway/cli/mesh.js';
import { publishSubgraph } from '../schema/registry/publish.js';
import { redisRegistry } from '../schema/registry/redis-registry.js';
import { supergraphRecord } from '../schema/registry/supergraph-record.js';
import type { Registry } from '../schema/registry/types.js';
import { dataProducts } from '../subgraphs/index.js';
import { graphql, sharedMesh } from './support/mesh.js';
import { PrivateRedis } from './support/redis-server.js';
import { redisServer } from '../gateway/redis/redis-config.js';

/**
 * Two gateway processes serve the registry's supergraph from one (private) Redis, over the
 * shared mesh's subgraphs, while a domain team publishes.
 */
const PREFIX = 'meshgate:registry:';
const QUERY = '{ product(sku: "SKU-0042") { sku name price { amount currency } category { name } } }';
const discard = new Writable({ write: (_chunk, _encoding, done) => done() });

let mesh: RunningMesh;
let redis: PrivateRedis;
let registry: Registry;
let gateways: { child: ChildProcessHandle; url: string }[] = [];

const productSdl = (name: string) => dataProducts.find((p) => p.name === name)!.sdl;
const proposal = (name: string, sdl = productSdl(name)) => ({
  name,
  url: mesh.subgraphs.find((s) => s.name === name)!.url,
  sdl,
  descriptor: dataProducts.find((p) => p.name === name)!.descriptor,
  publishedBy: 'catalog-team',
});
const ready = async (url: string) =>
  (await (await fetch(url.replace('/graphql', '/ready'))).json()) as {
    ready: boolean;
    supergraph: { id: string; version: number | null; source: string };
    lastRejected?: { version: number; error: string };
    registryError?: { message: string };
  };

beforeAll(async () => {
  mesh = await sharedMesh();
  redis = await PrivateRedis.start();
  registry = redisRegistry(redisServer(redis.url), PREFIX, 200);
  for (const product of dataProducts)
    expect(await publishSubgraph(registry, proposal(product.name))).toMatchObject({ published: true });
  const env = {
    ...process.env,
    NODE_ENV: 'test',
    LOG_LEVEL: 'silent',
    REDIS_URL: redis.url,
    REGISTRY_PREFIX: PREFIX,
    REGISTRY_POLL_MS: '1000',
    MESHGATE_LINEAGE: 'off',
  };
  const children = [1, 2].map((n) =>
    spawnMeshProcess(
      `gateway-${n}`,
      'gateway',
      ['gateway', '--registry', '--port', '0'],
      { ...env, HOST: '127.0.0.1' },
      { stdout: discard, stderr: discard },
    ),
  );
  gateways = await Promise.all(
    children.map(async (child) => ({ child, url: (await child.ready(60_000, undefined)).url })),
  );
}, 120_000);

afterAll(async () => {
  for (const { child } of gateways) child.signal('SIGTERM');
  await Promise.all(gateways.map(({ child }) => child.exited));
  await registry.close();
  await redis.stop();
});

describe('hot reload from the registry', () => {
  it('serves the registry supergraph in both gateway processes', async () => {
    const states = await Promise.all(gateways.map(({ url }) => ready(url)));
    expect(states.map((s) => s.supergraph.version)).toEqual([5, 5]);
    expect(states[0]!.supergraph.id).toBe(states[1]!.supergraph.id);
    expect(states[0]!.supergraph.source).toBe(`registry redis://127.0.0.1:${redis.port} (prefix ${PREFIX})`);
  });

  it('publishes a change under load with zero failed requests, and both gateways converge', async () => {
    let sent = 0;
    let failed = 0;
    let running = true;
    const worker = async (url: string) => {
      while (running) {
        sent++;
        const { status, body } = await graphql(url, QUERY).catch(() => ({
          status: 0,
          body: { errors: [{ message: 'network' }] },
        }));
        if (status !== 200 || body.errors) failed++;
      }
    };
    const load = gateways.flatMap(({ url }) => [worker(url), worker(url), worker(url), worker(url)]);
    // Publish under load: once requests are flowing on both gateways.
    await vi.waitFor(() => expect(sent).toBeGreaterThanOrEqual(40), { timeout: 30_000, interval: 20 });

    const sdl = productSdl('catalog').replace(
      '  "Whether the product can be ordered today."',
      '  "Marketing colour, when the product comes in one."\n  color: String\n  "Whether the product can be ordered today."',
    );
    const publishedAt = Date.now();
    const outcome = await publishSubgraph(registry, proposal('catalog', sdl));
    expect(outcome).toMatchObject({ published: true, supergraph: { version: 6 } });
    await expect
      .poll(
        async () =>
          (await Promise.all(gateways.map(({ url }) => ready(url)))).map((s) => s.supergraph.version),
        { timeout: 10_000, interval: 50 },
      )
      .toEqual([6, 6]);
    const convergedMs = Date.now() - publishedAt;
    // And keep the load on after the swap: the new schema serves requests too.
    const sentAtConvergence = sent;
    await vi.waitFor(() => expect(sent).toBeGreaterThanOrEqual(sentAtConvergence + 40), {
      timeout: 30_000,
      interval: 20,
    });
    running = false;
    await Promise.all(load);

    console.log(`hot reload under load: sent ${sent}, failed ${failed}, converged in ${convergedMs} ms`);
    expect(sent).toBeGreaterThan(50);
    expect(failed).toBe(0);
    // Both gateways serve the new schema. (The running catalog subgraph does not implement
    // `color` yet: a team deploys the subgraph version before it publishes the schema.)
    for (const { url } of gateways) {
      const { body } = await graphql<{ __type: { fields: { name: string }[] } }>(
        url,
        '{ __type(name: "Product") { fields { name } } }',
      );
      expect(body.data?.__type.fields.map((f) => f.name)).toContain('color');
    }
  });

  it('rejects a broken schema at publish; the service is unchanged', async () => {
    const before = await ready(gateways[0]!.url);
    const broken = await publishSubgraph(
      registry,
      proposal('payments', productSdl('payments').replace('amount: Float!', 'amount: Int!')),
    );
    expect(broken.published).toBe(false);
    // Refused at publish, it never reached the registry: there is no newer supergraph for a
    // gateway to pick up, whenever it next looks.
    expect((await registry.state()).supergraph?.version).toBe(6);
    for (const { url } of gateways) {
      expect((await ready(url)).supergraph).toMatchObject({ version: 6, id: before.supergraph.id });
      expect((await graphql(url, QUERY)).body.errors).toBeUndefined();
    }
  });

  it('never replaces the supergraph in service with one that fails to load', async () => {
    const { subgraphs, supergraph } = await registry.state();
    const unloadable = supergraphRecord({
      ...supergraph!,
      version: 7,
      sdl: `${supergraph!.sdl}\ntype Broken { field: Nope }\n`,
      reason: 'hand-edited',
    });
    await registry.commit({ subgraphs, supergraph: unloadable }, 6);
    for (const { url } of gateways) {
      // Each replica finds v7 on its own poll or notification: wait for each, not only one.
      await expect.poll(async () => (await ready(url)).lastRejected?.version, { timeout: 15_000 }).toBe(7);
      const state = await ready(url);
      expect(state).toMatchObject({ ready: true, supergraph: { version: 6 }, lastRejected: { version: 7 } });
      expect(state.lastRejected?.error).toMatch(/Nope/);
      expect((await graphql(url, QUERY)).body.errors).toBeUndefined();
    }
  });

  it('keeps the last good supergraph while the registry is unavailable', async () => {
    await redis.stop();
    await expect
      .poll(async () => (await ready(gateways[0]!.url)).registryError?.message, { timeout: 10_000 })
      .toBeTruthy();
    for (const { url } of gateways) {
      const { status, body } = await graphql<{ product: { sku: string } }>(url, QUERY);
      expect(status).toBe(200);
      expect(body.data?.product.sku).toBe('SKU-0042');
      expect(await ready(url)).toMatchObject({ ready: true, supergraph: { version: 6 } });
    }
  });
});

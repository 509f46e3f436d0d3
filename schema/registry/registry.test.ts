import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { ErrorCode } from '../../gateway/common/errors.js';
import { dataProducts } from '../../subgraphs/index.js';
import { directoryRegistry } from './directory-registry.js';
import { publishSubgraph, rollbackSubgraph, type SubgraphProposal } from './publish.js';
import { redisRegistry } from './redis-registry.js';
import type { PublishedSupergraph, Registry } from './types.js';
import { redisServer } from '../../gateway/redis/redis-config.js';

const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const prefix = `meshgate:test:registry:${process.pid}:${Date.now()}:`;

afterAll(async () => {
  const redis = new Redis(REDIS_URL);
  const keys = await redis.keys(`${prefix}*`);
  if (keys.length) await redis.del(...keys);
  redis.disconnect();
});

const proposal = (name: string, sdl?: string): SubgraphProposal => {
  const product = dataProducts.find((p) => p.name === name)!;
  return {
    name,
    url: `http://localhost:${product.defaultPort}/graphql`,
    sdl: sdl ?? product.sdl,
    descriptor: product.descriptor,
    publishedBy: 'alice',
  };
};
const withColor = (sdl: string) =>
  sdl.replace(
    '  "Whether the product can be ordered today."',
    '  "Marketing colour."\n  color: String\n  "Whether the product can be ordered today."',
  );

describe.each([
  ['directory', () => directoryRegistry(mkdtempSync(join(tmpdir(), 'meshgate-registry-')), 100)],
  [
    'redis',
    () => redisRegistry(redisServer(REDIS_URL), `${prefix}${Math.random().toString(36).slice(2)}:`, 100),
  ],
] as const)('%s registry', (_kind, open: () => Registry) => {
  it('publishes, keeps history, rolls back one version, and refuses what does not compose', async () => {
    const registry = open();
    try {
      expect(await registry.state()).toEqual({ subgraphs: [], supergraph: null });
      for (const product of dataProducts) {
        expect(await publishSubgraph(registry, proposal(product.name))).toMatchObject({ published: true });
      }
      const five = await registry.state();
      expect(five.supergraph).toMatchObject({
        version: 5,
        reason: 'publish shipping v1',
        publishedBy: 'alice',
      });
      expect(five.subgraphs.map((s) => `${s.name}@${s.version}`)).toEqual([
        'catalog@1',
        'customers@1',
        'orders@1',
        'payments@1',
        'shipping@1',
      ]);
      expect(five.supergraph?.sdl).not.toContain('color: String');

      const changed = await publishSubgraph(
        registry,
        proposal('catalog', withColor(proposal('catalog').sdl)),
      );
      expect(changed).toMatchObject({
        published: true,
        subgraph: { name: 'catalog', version: 2 },
        supergraph: { version: 6 },
      });
      expect((await registry.state()).supergraph?.sdl).toContain('color: String');

      // Int where the other subgraphs say Float: a composition conflict. Nothing changes.
      const broken = await publishSubgraph(
        registry,
        proposal('payments', proposal('payments').sdl.replace('amount: Float!', 'amount: Int!')),
      );
      expect(broken.published).toBe(false);
      expect(!broken.published && broken.errors.map((e) => e.code)).toEqual(['FIELD_TYPE_MISMATCH']);
      expect((await registry.state()).supergraph?.version).toBe(6);

      const rolledBack = await rollbackSubgraph(registry, 'catalog', 'bob');
      expect(rolledBack).toMatchObject({
        published: true,
        supergraph: { version: 7, reason: 'rollback catalog v2 to v1', publishedBy: 'bob' },
      });
      const after = await registry.state();
      expect(after.subgraphs.find((s) => s.name === 'catalog')?.version).toBe(1);
      expect(after.supergraph?.sdl).toBe(five.supergraph?.sdl);
      expect((await registry.history('catalog')).map((s) => s.version)).toEqual([1, 2]);

      await expect(rollbackSubgraph(registry, 'catalog', 'bob')).rejects.toMatchObject({
        code: ErrorCode.NOTHING_TO_ROLL_BACK,
      });
      // The next publish takes the next unused version: history is never rewritten.
      expect(await publishSubgraph(registry, proposal('catalog'))).toMatchObject({
        subgraph: { version: 3 },
      });
    } finally {
      await registry.close();
    }
  });

  it('refuses a commit made against a supergraph that is no longer in service', async () => {
    const registry = open();
    try {
      await publishSubgraph(registry, proposal('customers'));
      const { subgraphs, supergraph } = await registry.state();
      const stale = { subgraphs, supergraph: { ...supergraph!, version: 2 } };
      await registry.commit(stale, 1);
      await expect(
        registry.commit({ ...stale, supergraph: { ...stale.supergraph, version: 3 } }, 1),
      ).rejects.toMatchObject({
        code: ErrorCode.REGISTRY_CONFLICT,
      });
      expect((await registry.state()).supergraph?.version).toBe(2);
    } finally {
      await registry.close();
    }
  });

  it('tells a watcher about the supergraph in service and each newer one', async () => {
    const registry = open();
    const seen: PublishedSupergraph[] = [];
    const errors: Error[] = [];
    const stop = registry.watch(
      (s) => seen.push(s),
      (error) => errors.push(error),
    );
    try {
      await publishSubgraph(registry, proposal('customers'));
      await expect.poll(() => seen.map((s) => s.version), { timeout: 5_000 }).toEqual([1]);
      await publishSubgraph(registry, proposal('catalog'));
      await expect.poll(() => seen.map((s) => s.version), { timeout: 5_000 }).toEqual([1, 2]);
      expect(errors).toEqual([]);
    } finally {
      stop();
      await registry.close();
    }
  });
});

describe('an unreachable Redis registry', () => {
  it('fails fast with an error instead of hanging', async () => {
    const registry = redisRegistry(redisServer('redis://127.0.0.1:1'), prefix, 100);
    await expect(registry.state()).rejects.toThrow();
    const errors: Error[] = [];
    const stop = registry.watch(
      () => expect.fail('nothing to see'),
      (error) => errors.push(error),
    );
    await expect.poll(() => errors.length, { timeout: 5_000 }).toBeGreaterThan(0);
    stop();
    await registry.close();
  });
});

import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { directoryRegistry } from '../../schema/registry/directory-registry.js';
import { publishSubgraph } from '../../schema/registry/publish.js';
import { dataProducts } from '../../subgraphs/index.js';
import { createLogger } from '../common/logger.js';
import { Readiness } from './readiness.js';
import { registrySupergraph } from './registry-supergraph.js';

const publish = (registry: ReturnType<typeof directoryRegistry>, name: string) => {
  const product = dataProducts.find((p) => p.name === name)!;
  return publishSubgraph(registry, {
    name,
    url: `http://localhost:${product.defaultPort}/graphql`,
    sdl: product.sdl,
    descriptor: product.descriptor,
    publishedBy: 'alice',
  });
};

describe('the registry supergraph', () => {
  it('carries the descriptors published with the supergraph in service, for the catalog', async () => {
    const registry = directoryRegistry(mkdtempSync(join(tmpdir(), 'meshgate-registry-')), 50);
    const manager = registrySupergraph(
      registry,
      'schema/supergraph.graphql',
      new Readiness('test'),
      createLogger('silent'),
    );
    const served: string[] = [];
    try {
      const { supergraphSdl } = await manager.initialize({
        update: (sdl) => void served.push(sdl),
        healthCheck: async () => undefined,
        getDataSource: () => {
          throw new Error('no fetches here');
        },
      });
      // An empty registry: the file serves, and this repository's descriptors describe it.
      expect(supergraphSdl).toContain('join__Graph');
      expect(manager.descriptors()).toBeNull();

      await publish(registry, 'customers');
      await expect
        .poll(() => manager.descriptors()?.map((d) => d.name), { timeout: 5_000 })
        .toEqual(['customers']);
      await publish(registry, 'catalog');
      await expect
        .poll(() => manager.descriptors()?.map((d) => `${d.name} ${d.owner.team}`), { timeout: 5_000 })
        .toEqual(
          ['catalog', 'customers'].map((name) => {
            const descriptor = dataProducts.find((p) => p.name === name)!.descriptor;
            return `${name} ${descriptor.owner.team}`;
          }),
        );
      expect(served).toHaveLength(2);
    } finally {
      manager.stop();
      await registry.close();
    }
  });
});

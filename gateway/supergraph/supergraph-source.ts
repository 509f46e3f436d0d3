import { IntrospectAndCompose, type SupergraphManager } from '@apollo/gateway';
import { openRegistry } from '../../schema/registry/open-registry.js';
import type { DataProductDescriptor } from '../protocol/index.js';
import type { MeshgateConfig } from '../config/config.js';
import { assertNever } from '../common/invariant.js';
import type { Logger } from '../common/logger.js';
import { readSupergraphFile } from './read-supergraph-file.js';
import { Readiness } from './readiness.js';
import { registrySupergraph } from './registry-supergraph.js';

/**
 * Where the gateway gets its supergraph: any composed supergraph file (the default), the
 * registry (hot reload as domain teams publish), or, in development, composing the SDL of
 * live subgraphs at start.
 */
export interface SupergraphSource {
  supergraphSdl: string | SupergraphManager;
  describe: string;
  readiness: Readiness;
  /**
   * The data product descriptors published with the supergraph in service (the registry's);
   * null when the supergraph does not come with any (a file, introspection).
   */
  descriptors(): readonly DataProductDescriptor[] | null;
  stop(): void;
}

export function supergraphSource(config: MeshgateConfig, logger: Logger): SupergraphSource {
  const { supergraph } = config;
  switch (supergraph.source) {
    case 'file': {
      const sdl = readSupergraphFile(supergraph.path);
      return {
        supergraphSdl: sdl,
        describe: supergraph.path,
        readiness: new Readiness(supergraph.path),
        descriptors: () => null,
        stop: () => undefined,
      };
    }
    case 'introspect': {
      const subgraphs = Object.entries(config.subgraphUrls).map(([name, url]) => ({ name, url }));
      const describe = `composed from ${subgraphs.map((s) => s.name).join(', ')}`;
      return {
        supergraphSdl: new IntrospectAndCompose({ subgraphs }),
        describe,
        readiness: new Readiness(describe),
        descriptors: () => null,
        stop: () => undefined,
      };
    }
    case 'registry': {
      const registry = openRegistry(config.registry);
      const describe = `registry ${registry.location}`;
      const readiness = new Readiness(describe);
      const manager = registrySupergraph(registry, supergraph.path, readiness, logger);
      return {
        supergraphSdl: manager,
        describe,
        readiness,
        descriptors: () => manager.descriptors(),
        stop: () => {
          manager.stop();
          void registry.close();
        },
      };
    }
    default:
      return assertNever(supergraph);
  }
}

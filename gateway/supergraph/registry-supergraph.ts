import type { SupergraphManager } from '@apollo/gateway';
import type { PublishedSubgraph, Registry } from '../../schema/registry/types.js';
import type { DataProductDescriptor } from '../protocol/index.js';
import type { Logger } from '../common/logger.js';
import type { Readiness } from './readiness.js';
import { readSupergraphFile } from './read-supergraph-file.js';

/**
 * Hot reload: serves the registry's supergraph and swaps in each newer one as it is
 * published (Redis pub/sub, or polling). @apollo/gateway swaps schemas atomically, so
 * requests in flight finish on the plan they started with. A supergraph that does not load
 * never replaces the one in service: the error is logged and shown in `/ready`. While the
 * registry is unreachable the gateway keeps serving what it has.
 *
 * At start, an empty or unreachable registry falls back to the supergraph file, so a gateway
 * can come up before its registry does; it converges once the registry answers.
 *
 * `descriptors()`: the data product descriptors published with the supergraph in service
 * (what the catalog shows); null while the file serves, which this repository describes.
 */
export function registrySupergraph(
  registry: Registry,
  fallbackPath: string,
  readiness: Readiness,
  logger: Logger,
): SupergraphManager & { stop(): void; descriptors(): readonly DataProductDescriptor[] | null } {
  let stopWatching = () => undefined as void;
  let descriptors: readonly DataProductDescriptor[] | null = null;
  return {
    async initialize({ update }) {
      let initial: { sdl: string; version: number } | null = null;
      try {
        const { supergraph, subgraphs } = await registry.state();
        if (supergraph) {
          initial = { sdl: supergraph.sdl, version: supergraph.version };
          descriptors = descriptorsOf(subgraphs);
        }
      } catch (error) {
        readiness.registryError = { message: (error as Error).message, at: new Date().toISOString() };
        logger.warn(
          { err: error, registry: registry.location },
          'registry unreachable at start; serving the supergraph file',
        );
      }
      if (!initial) readiness.supergraph.source = `${fallbackPath} (until the registry has a supergraph)`;
      readiness.supergraph.version = initial?.version ?? null;

      stopWatching = registry.watch(
        (supergraph, subgraphs) => {
          readiness.registryError = null;
          try {
            update(supergraph.sdl); // Throws, changing nothing, if the SDL does not load.
            descriptors = descriptorsOf(subgraphs);
            readiness.supergraph.version = supergraph.version;
            readiness.supergraph.source = `registry ${registry.location}`;
            readiness.lastRejected = null;
            logger.info(
              { version: supergraph.version, id: supergraph.id, reason: supergraph.reason },
              'supergraph updated from the registry',
            );
          } catch (error) {
            readiness.lastRejected = {
              version: supergraph.version,
              id: supergraph.id,
              error: (error as Error).message.split('\n')[0] ?? 'unknown error',
              at: new Date().toISOString(),
            };
            logger.error(
              { err: error, version: supergraph.version },
              'registry supergraph rejected; keeping the one in service',
            );
          }
        },
        (error) => {
          readiness.registryError = { message: error.message, at: new Date().toISOString() };
          logger.warn(
            { err: error, registry: registry.location },
            'registry unreachable; keeping the supergraph in service',
          );
        },
      );
      return {
        supergraphSdl: initial?.sdl ?? readSupergraphFile(fallbackPath),
        cleanup: async () => stopWatching(),
      };
    },
    stop: () => stopWatching(),
    descriptors: () => descriptors,
  };
}

/** A subgraph published without a descriptor has none in the catalog (governance flags it). */
export function descriptorsOf(subgraphs: readonly PublishedSubgraph[]): readonly DataProductDescriptor[] {
  return Object.freeze(subgraphs.flatMap((s) => (s.descriptor ? [s.descriptor] : [])));
}

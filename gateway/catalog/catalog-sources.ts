import { Supergraph } from '@apollo/federation-internals';
import type { GraphQLSchema } from 'graphql';
import { dataProducts } from '../../subgraphs/index.js';
import type { MeshgateConfig } from '../config/config.js';
import { consumersOf } from '../lineage/consumers.js';
import type { LineageStore } from '../lineage/types.js';
import type { PolicyRule } from '../policy/types.js';
import type { CatalogSources } from './build-catalog.js';

/** How many recent events the consumers report reads per product at most. */
const CONSUMER_EVENTS = 50_000;

/**
 * What the catalog is built from, for one supergraph: the descriptors of this repository's
 * data products, the policy files, and (when lineage is on) the lineage store's events.
 */
export function catalogSources(
  config: MeshgateConfig,
  supergraph: { sdl: string; apiSchema?: GraphQLSchema | undefined },
  store: LineageStore | null,
  /** The policy rules in force: the gateway's, read once at start. */
  rules: readonly PolicyRule[],
): CatalogSources {
  return {
    supergraphSdl: supergraph.sdl,
    apiSchema: supergraph.apiSchema ?? Supergraph.build(supergraph.sdl).apiSchema().toGraphQLJSSchema(),
    descriptors: dataProducts.map((p) => p.descriptor),
    rules,
    subgraphUrls: config.subgraphUrls,
    ...(store && {
      consumers: async (product: string, since: number) =>
        consumersOf(await store.query({ since, product, limit: CONSUMER_EVENTS }), product),
    }),
  };
}

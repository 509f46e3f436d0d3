import type { DataProductDescriptor } from '../protocol/index.js';
import type { MeshgateConfig } from '../config/config.js';
import { consumersOf } from '../lineage/consumers.js';
import type { LineageStore } from '../lineage/types.js';
import type { PolicyRule } from '../policy/types.js';
import type { SupergraphModel } from '../supergraph/supergraph-model.js';
import type { CatalogSources } from './build-catalog.js';
import type { SloStatus } from '../health/slo-status.js';

/** How many recent events the consumers report reads per product at most. */
const CONSUMER_EVENTS = 50_000;

/**
 * What the catalog is built from, for one supergraph: its model, the data products'
 * descriptors, the policy files, and (when lineage is on) the lineage store's events.
 */
export function catalogSources(
  config: MeshgateConfig,
  /** The model of the supergraph described: the one in service, or the one `meshgate catalog` reads. */
  model: SupergraphModel,
  store: LineageStore | null,
  /** The policy rules in force: the gateway's, read once at start. */
  rules: readonly PolicyRule[],
  /** The descriptors that came with the supergraph (the registry's, or its launcher's); none: undescribed. */
  descriptors: readonly DataProductDescriptor[] = [],
  /** Measured SLOs and health (the gateway's, or read from Redis by `meshgate catalog`); null: not measured. */
  slo: SloStatus | null = null,
): CatalogSources {
  return {
    model,
    descriptors,
    rules,
    subgraphUrls: config.subgraphUrls,
    ...(slo && { slo: async (product: string) => (await slo.sloStatus(product))[0] ?? null }),
    ...(store && {
      consumers: async (product: string, since: number) =>
        consumersOf(await store.query({ since, product, limit: CONSUMER_EVENTS }), product),
    }),
  };
}

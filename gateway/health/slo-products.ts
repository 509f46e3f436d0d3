import type { DataProductDescriptor } from '../protocol/index.js';
import type { SupergraphModel } from '../supergraph/supergraph-model.js';

/**
 * The data products whose SLOs are measured: the subgraphs of the supergraph in service, each
 * with its descriptor (the registry's, published with the supergraph, or its launcher's), as
 * the catalog describes them. None before a supergraph is loaded.
 */
export function sloProducts(
  model: SupergraphModel | null,
  descriptors: readonly DataProductDescriptor[],
): { name: string; descriptor: DataProductDescriptor | null }[] {
  if (!model) return [];
  return Object.keys(model.subgraphUrls)
    .sort()
    .map((name) => ({ name, descriptor: descriptors.find((d) => d.name === name) ?? null }));
}

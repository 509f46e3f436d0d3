import { dataProducts } from '../../subgraphs/index.js';
import type { DataProductDescriptor } from '../../subgraphs/kit/descriptor.js';
import type { SupergraphModel } from '../supergraph/supergraph-model.js';

/**
 * The data products whose SLOs are measured: the subgraphs of the supergraph in service, each
 * with its descriptor (the registry's, published with the supergraph; this repository's for a
 * supergraph from a file), as the catalog describes them. None before a supergraph is loaded.
 */
export function sloProducts(
  model: SupergraphModel | null,
  descriptors: readonly DataProductDescriptor[] | null,
): { name: string; descriptor: DataProductDescriptor | null }[] {
  if (!model) return [];
  const known = descriptors ?? dataProducts.map((p) => p.descriptor);
  return Object.keys(model.subgraphUrls)
    .sort()
    .map((name) => ({ name, descriptor: known.find((d) => d.name === name) ?? null }));
}

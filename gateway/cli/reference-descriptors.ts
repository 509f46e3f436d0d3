import type { DataProductDescriptor } from '../protocol/index.js';

/**
 * The descriptors of the reference mesh (subgraphs/), for the commands that read a supergraph
 * file: developing the reference mesh keeps its file-based workflow. Loaded on demand, so the
 * platform's commands that talk to a registry or a gateway never load the example mesh.
 */
export async function referenceDescriptors(): Promise<readonly DataProductDescriptor[]> {
  const { dataProducts } = await import('../../subgraphs/index.js');
  return dataProducts.map((product) => product.descriptor);
}

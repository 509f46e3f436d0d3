import type { DataProductDescriptor } from '../protocol/index.js';
import type { Stage } from '../pipeline/types.js';
import type { SupergraphModel } from './supergraph-model.js';
import type { SupergraphSource } from './supergraph-source.js';

/** The supergraph stage: the supergraph in service, for the stages and services that describe it. */
export interface SupergraphStage extends Stage {
  /** The model of the supergraph in service; null before the first load. */
  model(): SupergraphModel | null;
  /**
   * The data product descriptors that came with it: the registry's, else the ones the
   * launcher handed the gateway (a supergraph file of its own mesh), else none.
   */
  descriptors(): readonly DataProductDescriptor[];
}

/**
 * Keeps the supergraph in service and reports it at `/ready` (200 once one is served and the
 * server listens, 503 before, with the reason). The source is the gateway's to open and close.
 */
export function useSupergraph(
  source: SupergraphSource,
  launcherDescriptors: readonly DataProductDescriptor[] = [],
): SupergraphStage {
  let inService: SupergraphModel | null = null;
  const { readiness } = source;
  return {
    name: 'supergraph',
    routes(app) {
      app.get('/ready', async (_request, reply) =>
        reply.code(readiness.ready ? 200 : 503).send(readiness.toJSON()),
      );
    },
    onSchemaChange(model) {
      inService = model;
      readiness.loaded(model);
    },
    model: () => inService,
    descriptors: () => source.descriptors() ?? launcherDescriptors,
  };
}

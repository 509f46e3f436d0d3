import type { Authenticate } from '../auth/types.js';
import type { MeshgateConfig } from '../config/config.js';
import type { SloStatus } from '../health/slo-status.js';
import type { LineageStore } from '../lineage/types.js';
import type { Stage } from '../pipeline/types.js';
import type { PolicyRule } from '../policy/types.js';
import type { SupergraphStage } from '../supergraph/use-supergraph.js';
import { catalogSources } from './catalog-sources.js';
import { registerCatalogRoutes } from './catalog-routes.js';

export interface UseCatalogOptions {
  readonly config: MeshgateConfig;
  readonly authenticate: Authenticate;
  /** The supergraph in service and its descriptors. */
  readonly supergraph: SupergraphStage;
  readonly rules: readonly PolicyRule[];
  readonly lineage: LineageStore | null;
  readonly slo: SloStatus | null;
}

/** The catalog stage: `GET /catalog` and `/catalog/:product`, built per request from the supergraph in service. */
export function useCatalog({
  config,
  authenticate,
  supergraph,
  rules,
  lineage,
  slo,
}: UseCatalogOptions): Stage {
  return {
    name: 'catalog',
    routes(app) {
      registerCatalogRoutes(app, {
        authenticate,
        sources: () => {
          const model = supergraph.model();
          return model && catalogSources(config, model, lineage, rules, supergraph.descriptors(), slo);
        },
      });
    },
  };
}

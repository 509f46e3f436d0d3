import type { Authenticate } from '../auth/types.js';
import type { Stage } from '../pipeline/types.js';
import type { SupergraphStage } from '../supergraph/use-supergraph.js';
import type { AccessConfig } from './access-config.js';
import { registerAccessRoutes } from './access-routes.js';
import { accessService, type AccessService } from './access-service.js';
import type { AccessStore } from './types.js';

export interface UseAccessOptions {
  readonly config: AccessConfig;
  /** The requests and their audit log (opened by server.ts, which closes it). */
  readonly store: AccessStore;
  readonly authenticate: Authenticate;
  /** The supergraph whose fields may be requested, and the approvers its descriptors name. */
  readonly supergraph: SupergraphStage;
}

/** The access-request stage, and its one service for the other entry points that file requests (mcp/). */
export interface AccessStage extends Stage {
  readonly service: AccessService;
}

/** The access-request stage: the console's requests, approvals, denials and audit log (access-routes.ts). */
export function useAccess({ config, store, authenticate, supergraph }: UseAccessOptions): AccessStage {
  const service = accessService({
    store,
    config,
    descriptors: () => supergraph.descriptors(),
    model: () => supergraph.model(),
  });
  return {
    name: 'access',
    routes: (app) => registerAccessRoutes(app, { authenticate, service: () => service }),
    service,
  };
}

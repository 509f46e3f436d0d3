import type { Authenticate } from '../../../gateway/auth/types.js';
import type { Stage } from '../../../gateway/pipeline/types.js';
import { registerRegistryRoutes } from './registry-routes.js';
import type { RegistryService } from './registry-service.js';

/**
 * The registry's HTTP API on the gateway (REGISTRY_ROUTES=on): the same routes and service as
 * `meshgate registry serve`, for a deployment that runs one process. Null: a stage with no routes.
 */
export function useRegistry(service: RegistryService | null, authenticate: Authenticate): Stage {
  return {
    name: 'registry',
    routes(app) {
      if (service) registerRegistryRoutes(app, authenticate, service);
    },
  };
}

import type { MeshgateConfig } from '../../../gateway/config/config.js';
import { DEFAULT_GOVERNANCE_FILE, registryChangeCheck } from '../change-check.js';
import { openRegistry } from '../open-registry.js';
import type { Registry } from '../types.js';
import { createRegistryService, type RegistryService } from './registry-service.js';

/**
 * The registry service as the configuration describes it: the store (Redis, else the local
 * directory), the governance standards, the deployment's policies and its lineage for usage.
 * `registry`: an open store to use instead (the gateway shares its own).
 */
export function openRegistryService(config: MeshgateConfig, registry?: Registry): RegistryService {
  return createRegistryService({
    registry: registry ?? openRegistry(config.registry),
    check: registryChangeCheck({
      governanceFile: config.registry.governanceFile ?? DEFAULT_GOVERNANCE_FILE,
      policyDir: config.security.policy.dir,
      lineage: config.lineage.redis ? config.lineage : null,
    }),
  });
}

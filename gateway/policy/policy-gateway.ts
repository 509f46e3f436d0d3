import type { GatewayInterface } from '@apollo/server-gateway-interface';
import { secretFor } from '../auth/dev-key.js';
import type { PolicyConfig } from '../auth/security-config.js';
import type { Logger } from '../common/logger.js';
import { authorizationCache } from './authorization-cache.js';
import { engineLifecycle } from './engine-lifecycle.js';
import { introspectionGate } from './introspection-gate.js';
import { createMasker } from './mask-value.js';
import { policyExecutor } from './policy-executor.js';
import { readPolicyFiles } from './policy-file.js';
import type { GrantRules, PolicyEngine, PolicyRule } from './types.js';

export interface PolicyOptions {
  policy: PolicyConfig;
  /** Where the development key lives (config.stateDir), for the default hash-mask key. */
  stateDir: string;
  logger: Logger;
  /** The policy rules, when the caller has read them already; read from `policy.dir` otherwise. */
  rules?: readonly PolicyRule[] | undefined;
  /** Authorized operations kept per (operation, principal key). Default 10 000. */
  decisionCacheSize?: number;
  /** Introspection schemas kept per principal key. Default 100. */
  introspectionCacheSize?: number;
  /** Grants (approved access requests, gateway/access/): their rules, reloaded without a restart. */
  grants?: GrantRules | undefined;
  /**
   * Handed the engine in service, once: the context-token signer reads the principal's row
   * filters from it (row-filter.ts).
   */
  onEngine?: (current: () => PolicyEngine | undefined) => void;
}

/**
 * The policy stages, as a wrapper around the gateway (Apollo Server's `GatewayInterface`):
 * its executor authorizes, runs and masks each operation (policy-executor.ts), introspection
 * is answered from the schema filtered to the principal (introspection-gate.ts), and the
 * policies follow the supergraph (engine-lifecycle.ts).
 *
 * Policy files are read and checked here, at start; the schema-dependent checks run when the
 * supergraph loads, and a failure refuses start-up: `load` stops the gateway and throws
 * POLICY_INVALID.
 */
export function usePolicy(gateway: GatewayInterface, options: PolicyOptions): GatewayInterface {
  const { policy, logger } = options;
  const rules = options.rules ?? readPolicyFiles(policy.dir);
  const mask = createMasker(secretFor('hash-mask', policy.hashKey, options.stateDir));
  const engines = engineLifecycle(gateway, { rules, logger, grants: options.grants });
  options.onEngine?.(engines.current);
  const introspection = introspectionGate(policy.introspection, options.introspectionCacheSize ?? 100);
  const authorizations = authorizationCache(options.decisionCacheSize ?? 10_000);

  return {
    onSchemaLoadOrUpdate: (callback) => gateway.onSchemaLoadOrUpdate(callback),
    async load(loadOptions) {
      const loaded = await gateway.load(loadOptions);
      if (!engines.current()) {
        await gateway.stop().catch(() => undefined);
        throw engines.startupFailure();
      }
      return {
        ...loaded,
        executor:
          loaded.executor &&
          policyExecutor(loaded.executor, {
            mode: policy.mode,
            engine: engines.current,
            introspection,
            authorizations,
            mask,
          }),
      };
    },
    stop: () => gateway.stop(),
  };
}

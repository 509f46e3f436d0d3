import { secretFor } from '../auth/dev-key.js';
import type { PolicyConfig } from '../auth/security-config.js';
import type { Logger } from '../common/logger.js';
import type { Stage } from '../pipeline/types.js';
import { authorizationCache } from './authorization-cache.js';
import { engineLifecycle } from './engine-lifecycle.js';
import { introspectionGate } from './introspection-gate.js';
import { createMasker } from './mask-value.js';
import { policyExecutor } from './policy-executor.js';
import type { GrantRules, PolicyEngine, PolicyRule } from './types.js';

export interface UsePolicyOptions {
  /** MESHGATE_POLICY, POLICY_MODE, the introspection setting and the hash-mask key. */
  readonly policy: PolicyConfig;
  /** Where the development key lives (config.stateDir), for the default hash-mask key. */
  readonly stateDir: string;
  readonly logger: Logger;
  /** The policy rules, read and checked once at start (policy-file.ts). */
  readonly rules: readonly PolicyRule[];
  /** Grants (approved access requests, gateway/access/): their rules, reloaded without a restart. */
  readonly grants?: GrantRules | undefined;
  /** Authorized operations kept per (operation, principal key). Default 10 000. */
  readonly decisionCacheSize?: number;
  /** Introspection schemas kept per principal key. Default 100. */
  readonly introspectionCacheSize?: number;
}

/** The policy stage, and the engine it decides with, for the entry points that explain decisions (mcp/). */
export interface PolicyStage extends Stage {
  /** The engine of the supergraph in service, grants included; undefined before a load, and with MESHGATE_POLICY=off. */
  engine(): PolicyEngine | undefined;
}

/**
 * The policy stage: authorize ─▶ plan + execute ─▶ mask around the gateway's executor
 * (policy-executor.ts); introspection answered from the schema filtered to the principal
 * (introspection-gate.ts); the policies compiled against each supergraph loaded
 * (engine-lifecycle.ts). With MESHGATE_POLICY=off, a stage that does nothing.
 *
 * The schema-dependent checks run when the first supergraph loads, and a failure refuses
 * start-up with POLICY_INVALID.
 */
export function usePolicy(options: UsePolicyOptions): PolicyStage {
  const { policy, logger } = options;
  if (!policy.enabled) return { name: 'policy', engine: () => undefined };
  const mask = createMasker(secretFor('hash-mask', policy.hashKey, options.stateDir));
  const engines = engineLifecycle({ rules: options.rules, logger, grants: options.grants });
  return {
    name: 'policy',
    authorize: policyExecutor({
      mode: policy.mode,
      engine: engines.current,
      introspection: introspectionGate(policy.introspection, options.introspectionCacheSize ?? 100),
      authorizations: authorizationCache(options.decisionCacheSize ?? 10_000),
      mask,
    }),
    onSchemaChange: (model) => engines.schemaChanged(model),
    engine: engines.current,
  };
}

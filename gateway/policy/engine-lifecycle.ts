import type { GatewayInterface } from '@apollo/server-gateway-interface';
import { ErrorCode, StartupError } from '../common/errors.js';
import type { Logger } from '../common/logger.js';
import { supergraphModel } from '../supergraph/supergraph-model.js';
import { compilePolicy } from './policy-engine.js';
import { indexSupergraph } from './schema-index.js';
import type { PolicyEngine, PolicyRule } from './types.js';

export interface EngineLifecycleOptions {
  readonly rules: readonly PolicyRule[];
  readonly logger: Pick<Logger, 'warn' | 'error'>;
}

/** The policy engine of the supergraph in service. */
export interface EngineLifecycle {
  /** The engine compiled against the supergraph in service; undefined until a load compiled. */
  current(): PolicyEngine | undefined;
  /**
   * Why there is no engine (the first load did not compile, or no load happened yet): the
   * compile's own `StartupError` (POLICY_INVALID), else one wrapping what was thrown.
   */
  startupFailure(): StartupError;
}

/**
 * Compiles the policy rules against each supergraph the gateway loads. The first load is
 * strict: a rule naming a coordinate the supergraph lacks refuses start-up (`startupFailure`,
 * thrown by `usePolicy`'s `load`). A later load cannot refuse anything, the gateway is
 * serving: such a rule is skipped with a warning, and if the policies do not compile at all
 * against the new supergraph the previous engine stays (keep-last-good), logged as an error.
 *
 * Each successful compile gives a new engine object: what is cached per engine (decisions,
 * filtered introspection schemas) starts afresh with it.
 */
export function engineLifecycle(
  gateway: Pick<GatewayInterface, 'onSchemaLoadOrUpdate'>,
  { rules, logger }: EngineLifecycleOptions,
): EngineLifecycle {
  let engine: PolicyEngine | undefined;
  let failure: unknown;

  gateway.onSchemaLoadOrUpdate(({ apiSchema, coreSupergraphSdl }) => {
    const strict = engine === undefined;
    try {
      engine = compilePolicy({
        rules,
        // The same model the other stages of this schema load get (one parse per supergraph).
        index: indexSupergraph(supergraphModel(coreSupergraphSdl, { apiSchema }), apiSchema),
        strict,
        onSkippedRule: (message) => logger.warn(message),
      });
    } catch (error) {
      failure = error;
      if (!strict)
        logger.error(
          { err: error },
          'policies do not compile against the new supergraph; keeping the previous ones',
        );
    }
  });

  return {
    current: () => engine,
    startupFailure: () =>
      failure instanceof StartupError
        ? failure
        : new StartupError(
            ErrorCode.POLICY_INVALID,
            `policies cannot be compiled: ${String(failure)}`,
            failure,
          ),
  };
}

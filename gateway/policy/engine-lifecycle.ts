import { ErrorCode, StartupError } from '../common/errors.js';
import type { Logger } from '../common/logger.js';
import type { SupergraphModel } from '../supergraph/supergraph-model.js';
import { compilePolicy } from './policy-engine.js';
import { indexSupergraph } from './schema-index.js';
import type { GrantRules, PolicyEngine, PolicyRule } from './types.js';

export interface EngineLifecycleOptions {
  readonly rules: readonly PolicyRule[];
  readonly logger: Pick<Logger, 'warn' | 'error'>;
  /** Grants: compiled with the rules, and again (against the supergraph in service) on each change. */
  readonly grants?: GrantRules | undefined;
}

/** The policy engine of the supergraph in service. */
export interface EngineLifecycle {
  /** The engine compiled against the supergraph in service; undefined until a load compiled. */
  current(): PolicyEngine | undefined;
  /**
   * Compiles the policies against a supergraph just loaded. Throws only while there is no
   * engine yet (the first load): the compile's own `StartupError` (POLICY_INVALID), else one
   * wrapping what was thrown, so the gateway refuses to start.
   */
  schemaChanged(model: SupergraphModel): void;
}

/**
 * Compiles the policy rules against each supergraph the gateway loads. The first load is
 * strict: a rule naming a coordinate the supergraph lacks refuses start-up (`startupFailure`,
 * thrown by `schemaChanged`, which refuses the start). A later load cannot refuse anything, the gateway is
 * serving: such a rule is skipped with a warning, and if the policies do not compile at all
 * against the new supergraph the previous engine stays (keep-last-good), logged as an error.
 *
 * Each successful compile gives a new engine object: what is cached per engine (decisions,
 * filtered introspection schemas) starts afresh with it.
 */
export function engineLifecycle({ rules, logger, grants }: EngineLifecycleOptions): EngineLifecycle {
  let engine: PolicyEngine | undefined;
  let index: ReturnType<typeof indexSupergraph> | undefined;

  const compile = (strict: boolean) =>
    compilePolicy({
      // A grant is checked like any rule, but never refuses start-up: one that does not compile is skipped.
      rules: grants ? [...rules, ...grants.current()] : rules,
      index: index!,
      strict,
      onSkippedRule: (message) => logger.warn(message),
    });

  // A grant approved, removed or expired: the same supergraph, the new rules. Keep-last-good.
  grants?.onChange(() => {
    if (!index) return;
    try {
      engine = compile(false);
    } catch (error) {
      logger.error({ err: error }, 'policies with the new grants do not compile; keeping the previous ones');
    }
  });

  return {
    current: () => engine,
    schemaChanged(model) {
      const strict = engine === undefined;
      try {
        // The model every stage of this schema load gets (one parse per supergraph).
        const next = indexSupergraph(model, model.apiSchema);
        const previous = index;
        index = next;
        try {
          engine = compile(strict);
        } catch (error) {
          index = previous;
          throw error;
        }
      } catch (error) {
        if (strict)
          throw error instanceof StartupError
            ? error
            : new StartupError(
                ErrorCode.POLICY_INVALID,
                `policies cannot be compiled: ${String(error)}`,
                error,
              );
        logger.error(
          { err: error },
          'policies do not compile against the new supergraph; keeping the previous ones',
        );
      }
    },
  };
}

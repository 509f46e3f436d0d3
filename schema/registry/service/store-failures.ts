import { ErrorCode, StartupError } from '../../../gateway/common/errors.js';
import type { Registry } from '../types.js';

/**
 * The registry with its store's failures (Redis down, a timeout, a full disk) turned into
 * REGISTRY_UNAVAILABLE, which the service answers with 503. Refusals the registry raises
 * itself (REGISTRY_CONFLICT, NOTHING_TO_ROLL_BACK) pass as they are.
 */
export function storeFailures(registry: Registry): Registry {
  const unavailable = (error: unknown): never => {
    if (error instanceof StartupError) throw error;
    throw new StartupError(
      ErrorCode.REGISTRY_UNAVAILABLE,
      `the registry's store (${registry.location}) is unavailable: ${(error as Error).message}`,
      error,
    );
  };
  return {
    ...registry,
    state: () => registry.state().catch(unavailable),
    history: (name) => registry.history(name).catch(unavailable),
    commit: (commit, expected) => registry.commit(commit, expected).catch(unavailable),
    appendAudit: (entry) => registry.appendAudit(entry).catch(unavailable),
    audit: (query) => registry.audit(query).catch(unavailable),
  };
}

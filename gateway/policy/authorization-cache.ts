import { LRUCache } from 'lru-cache';
import { memoByObject } from '../common/memo-by-object.js';
import type { Principal } from '../common/types.js';
import type { OperationAnalysis } from '../operation/types.js';
import { authorizeOperation } from './authorize-operation.js';
import type { OperationAuthorization, PolicyEngine } from './types.js';

/** The request members an authorization is keyed by and made from. */
export interface AuthorizedRequest {
  readonly queryHash: string;
  readonly operationName: string | null;
  readonly source: string;
}

export interface AuthorizationCache {
  /** The operation authorized for the principal: decided once per (operation, principal key). */
  authorize(
    engine: PolicyEngine,
    principal: Principal,
    analysis: OperationAnalysis,
    request: AuthorizedRequest,
  ): OperationAuthorization;
}

/**
 * Authorizations per (query hash, operation name, principal key), the `max` most recently
 * used ones per engine. Decisions depend on the document and the principal attributes the
 * rules read only (never on variable values), so every principal with the same key shares
 * one authorization, and one `decisions` array (lineage and the metrics key on it). A new
 * engine (a supergraph reload) starts with an empty cache.
 */
export function authorizationCache(max: number): AuthorizationCache {
  const cacheOf = memoByObject(
    (_engine: PolicyEngine) => new LRUCache<string, OperationAuthorization>({ max }),
  );
  return {
    authorize(engine, principal, analysis, request) {
      const cache = cacheOf(engine);
      const key = `${request.queryHash}\u0000${request.operationName ?? ''}\u0000${engine.principalKey(principal)}`;
      let authorization = cache.get(key);
      if (!authorization) {
        authorization = authorizeOperation(engine, principal, analysis, request.source, request.queryHash);
        cache.set(key, authorization);
      }
      return authorization;
    },
  };
}

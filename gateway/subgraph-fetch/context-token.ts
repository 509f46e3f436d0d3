import { createSecretKey, type KeyObject } from 'node:crypto';
import { LRUCache } from 'lru-cache';
import type { Principal } from '../common/types.js';
import { secretFor } from '../auth/dev-key.js';
import type { ContextTokenConfig } from '../auth/security-config.js';
import { signContextToken, type RowFilterClaims } from '../protocol/index.js';

/**
 * The gateway's side of the context token (its claims, header and verification are the
 * protocol's: gateway/protocol/context-token.ts). Its key is CONTEXT_TOKEN_SECRET, else one
 * derived from the development key, which the subgraphs of the embedded default read from the
 * same state directory.
 *
 * It also carries the principal's row filters (`filters`: per subgraph, typed predicates;
 * gateway/protocol/row-filter.ts): signed, so a product enforces exactly what the gateway
 * decided, and part of the claims, so whatever is keyed on the token's claims (the entity
 * cache's fingerprint) tells filtered answers apart.
 */
export function contextTokenKey(config: ContextTokenConfig, stateDir: string): KeyObject {
  return createSecretKey(secretFor('context-token', config.secret, stateDir));
}

/** A principal's row filters, as the policy stage worked them out for the request (request-state.ts). */
export interface SignedRowFilters {
  readonly claims: RowFilterClaims;
  /** Stable text of `claims`; empty when no filter applies. */
  readonly fingerprint: string;
}

export interface ContextTokenSigner {
  /**
   * The token for a principal's fetches under its row filters (none: MESHGATE_POLICY=off, or the
   * gateway's own fetches): signed once, reused until half its lifetime is gone.
   */
  sign(principal: Principal, filters?: SignedRowFilters): string;
}

/**
 * Row-filter fingerprints of the tokens signed in this process, for in-flight de-duplication
 * (inflight-fetch.ts), which must never share an answer across filters. A token not signed
 * here is read from its payload.
 */
const filterFingerprints = new LRUCache<string, string>({ max: 10_000 });

/** The row-filter fingerprint of a context token: '' when it carries no filter. */
export function rowFilterFingerprint(token: string): string {
  const known = filterFingerprints.get(token);
  if (known !== undefined) return known;
  try {
    const payload = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8')) as {
      filters?: unknown;
    };
    return payload.filters === undefined ? '' : JSON.stringify(payload.filters);
  } catch {
    return token; // unreadable: never shared with another token's fetch
  }
}

export function createContextTokenSigner(key: KeyObject, ttlSeconds: number): ContextTokenSigner {
  // By principal object: authentication hands out one object per bearer token (its cache) and
  // one ANONYMOUS. Reusing a token for half its lifetime exposes nothing a per-request token
  // would not (either is valid for its whole lifetime), and spares a signature per request
  // here and a verification per fetch in the subgraphs, whose verifier caches by token.
  // A token is re-signed when the filters change too (policies or grants reloaded).
  const signed = new WeakMap<Principal, { token: string; renewAt: number; filters: string }>();
  return {
    sign(principal, filters) {
      const now = Date.now();
      const fingerprint = filters?.fingerprint ?? '';
      const cached = signed.get(principal);
      if (cached && now < cached.renewAt && cached.filters === fingerprint) return cached.token;
      const token = signContextToken(key, principal, fingerprint ? filters!.claims : undefined, ttlSeconds);
      signed.set(principal, { token, renewAt: now + ttlSeconds * 500, filters: fingerprint });
      filterFingerprints.set(token, fingerprint);
      return token;
    },
  };
}

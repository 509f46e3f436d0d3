import { createSecretKey, type KeyObject } from 'node:crypto';
import jwt from 'jsonwebtoken';
import { LRUCache } from 'lru-cache';
import type { Principal } from '../common/types.js';
import { secretFor } from '../auth/dev-key.js';
import type { ContextTokenConfig } from '../auth/security-config.js';
import type { ContextClaims } from '../auth/types.js';
import { parseRowFilterClaims, type RowFilterClaims } from '../common/row-filter.js';

/**
 * The gateway → subgraph context token: a short-lived HS256 JWT holding the principal, sent
 * on every subgraph fetch in the `x-meshgate-context` header. Subgraphs answer only requests
 * that carry a valid one, so nobody reaches a data product around the gateway's policies. Its
 * key is CONTEXT_TOKEN_SECRET, else one derived from the development key, which the
 * subgraphs of the embedded default read from the same state directory. The request id
 * travels in `x-request-id`, not in the token, so one token serves a principal's requests.
 *
 * It also carries the principal's row filters (`filters`: per subgraph, typed predicates;
 * gateway/common/row-filter.ts): signed, so a product enforces exactly what the gateway
 * decided, and part of the claims, so whatever is keyed on the token's claims (the entity
 * cache's fingerprint) tells filtered answers apart.
 */
export const CONTEXT_TOKEN_HEADER = 'x-meshgate-context';
const ISSUER = 'meshgate-gateway';
const AUDIENCE = 'meshgate-subgraph';

export function contextTokenKey(config: ContextTokenConfig, stateDir: string): KeyObject {
  return createSecretKey(secretFor('context-token', config.secret, stateDir));
}

export interface ContextTokenSigner {
  /** The token for a principal's fetches: signed once, reused until half its lifetime is gone. */
  sign(principal: Principal): string;
}

/** A principal's row filters, as the policy engine works them out (policy/applied-row-filters.ts). */
export type RowFiltersOf = (principal: Principal) => {
  readonly claims: RowFilterClaims;
  readonly fingerprint: string;
};

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

export function createContextTokenSigner(
  key: KeyObject,
  ttlSeconds: number,
  /** The principal's row filters; none when absent (MESHGATE_POLICY=off). */
  rowFilters?: RowFiltersOf,
): ContextTokenSigner {
  // By principal object: authentication hands out one object per bearer token (its cache) and
  // one ANONYMOUS. Reusing a token for half its lifetime exposes nothing a per-request token
  // would not (either is valid for its whole lifetime), and spares a signature per request
  // here and a verification per fetch in the subgraphs, whose verifier caches by token.
  // A token is re-signed when the filters change too (policies or grants reloaded).
  const signed = new WeakMap<Principal, { token: string; renewAt: number; filters: string }>();
  return {
    sign(principal) {
      const now = Date.now();
      const filters = rowFilters?.(principal);
      const fingerprint = filters?.fingerprint ?? '';
      const cached = signed.get(principal);
      if (cached && now < cached.renewAt && cached.filters === fingerprint) return cached.token;
      const token = jwt.sign(
        {
          anon: principal.anonymous,
          roles: principal.roles,
          scopes: principal.scopes,
          attrs: principal.attributes,
          ...(fingerprint && { filters: filters!.claims }),
        },
        key,
        {
          algorithm: 'HS256',
          expiresIn: ttlSeconds,
          issuer: ISSUER,
          audience: AUDIENCE,
          subject: principal.sub,
        },
      );
      signed.set(principal, { token, renewAt: now + ttlSeconds * 500, filters: fingerprint });
      filterFingerprints.set(token, fingerprint);
      return token;
    },
  };
}

/** Verifies a context token; `undefined` when it is missing, forged, expired or malformed. */
export function createContextTokenVerifier(
  key: KeyObject,
): (token: string | undefined) => ContextClaims | undefined {
  const verified = new LRUCache<string, ContextClaims>({ max: 5_000 });
  return (token) => {
    if (!token) return undefined;
    const cached = verified.get(token);
    if (cached) return cached;
    let payload: jwt.JwtPayload;
    try {
      const result = jwt.verify(token, key, { algorithms: ['HS256'], issuer: ISSUER, audience: AUDIENCE });
      if (typeof result === 'string') return undefined;
      payload = result;
    } catch {
      return undefined;
    }
    if (typeof payload.sub !== 'string' || typeof payload.exp !== 'number') return undefined;
    // A filter the product cannot read is a request it must not answer (fail closed).
    const filters = parseRowFilterClaims(payload.filters);
    if (!filters) return undefined;
    const claims: ContextClaims = {
      filters,
      principal: {
        sub: payload.sub,
        anonymous: payload.anon === true,
        roles: strings(payload.roles),
        scopes: strings(payload.scopes),
        attributes:
          typeof payload.attrs === 'object' && payload.attrs !== null
            ? (payload.attrs as Record<string, string | string[]>)
            : {},
        expiresAt: payload.exp,
      },
    };
    verified.set(token, claims, { ttl: Math.max(1, payload.exp * 1000 - Date.now()) });
    return claims;
  };
}

function strings(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}

import type { KeyObject } from 'node:crypto';
import jwt from 'jsonwebtoken';
import { LRUCache } from 'lru-cache';
import type { Principal } from '../common/types.js';
import { parseRowFilterClaims } from './row-filter.js';
import type { ContextClaims, RowFilterClaims } from './types.js';
import { PROTOCOL_VERSION } from './version.js';

/**
 * The gateway → data product context token: a short-lived HS256 JWT holding the principal and
 * its row filters, sent on every subgraph fetch in the `x-meshgate-context` header. A product
 * answers only requests that carry a valid one, so nobody reaches it around the gateway's
 * policies. The request id travels in `x-request-id`, not in the token, so one token serves a
 * principal's requests. Claims: `sub`, `exp`, `iss`, `aud`, `anon`, `roles`, `scopes`, `attrs`,
 * `filters` (per subgraph, typed predicates: row-filter.ts) when any apply, and `v`
 * (version.ts). The gateway's signer (gateway/subgraph-fetch/context-token.ts) adds caching
 * and the key; this file is what both sides must agree on.
 */
export const CONTEXT_TOKEN_HEADER = 'x-meshgate-context';
export const CONTEXT_TOKEN_ISSUER = 'meshgate-gateway';
export const CONTEXT_TOKEN_AUDIENCE = 'meshgate-subgraph';
/** A shared secret: the gateway and its products hold the same key (CONTEXT_TOKEN_SECRET). */
export const CONTEXT_TOKEN_ALGORITHM = 'HS256';

/** Signs a principal's token; `filters` only when some apply (none: no `filters` claim). */
export function signContextToken(
  key: KeyObject,
  principal: Principal,
  filters: RowFilterClaims | undefined,
  ttlSeconds: number,
): string {
  return jwt.sign(
    {
      v: PROTOCOL_VERSION,
      anon: principal.anonymous,
      roles: principal.roles,
      scopes: principal.scopes,
      attrs: principal.attributes,
      ...(filters && { filters }),
    },
    key,
    {
      algorithm: CONTEXT_TOKEN_ALGORITHM,
      expiresIn: ttlSeconds,
      issuer: CONTEXT_TOKEN_ISSUER,
      audience: CONTEXT_TOKEN_AUDIENCE,
      subject: principal.sub,
    },
  );
}

/** Verifies a context token; `undefined` when it is missing, forged, expired or malformed. */
export function createContextTokenVerifier(
  key: KeyObject,
): (token: string | undefined) => ContextClaims | undefined {
  // A principal's token is reused for half its lifetime: each is verified once, until it expires.
  const verified = new LRUCache<string, ContextClaims>({ max: 5_000 });
  return (token) => {
    if (!token) return undefined;
    const cached = verified.get(token);
    if (cached) return cached;
    let payload: jwt.JwtPayload;
    try {
      const result = jwt.verify(token, key, {
        algorithms: [CONTEXT_TOKEN_ALGORITHM],
        issuer: CONTEXT_TOKEN_ISSUER,
        audience: CONTEXT_TOKEN_AUDIENCE,
      });
      if (typeof result === 'string') return undefined;
      payload = result;
    } catch {
      return undefined;
    }
    if (typeof payload.sub !== 'string' || typeof payload.exp !== 'number') return undefined;
    // A version this product does not know may mean claims it would misread (fail closed).
    if (payload.v !== undefined && payload.v !== PROTOCOL_VERSION) return undefined;
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
        // Teams are the registry's business: the context token does not carry them to products.
        teams: [],
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

import type { KeyObject } from 'node:crypto';
import { createRemoteJWKSet, jwtVerify, type JWTPayload } from 'jose';
import jwt from 'jsonwebtoken';
import { LRUCache } from 'lru-cache';
import type { Principal } from '../common/types.js';
import { CONTEXT_TOKEN_ALGORITHM, contextTokenKid, contextTokenPublicKey } from './context-token-keys.js';
import { parseRowFilterClaims } from './row-filter.js';
import type { ContextClaims, RowFilterClaims } from './types.js';
import { PROTOCOL_VERSION } from './version.js';

/**
 * The gateway → data product context token (docs/product-protocol.md): a short-lived ES256 JWT
 * holding the principal and its row filters, sent on every subgraph fetch in the
 * `x-meshgate-context` header. A product answers only requests that carry a valid one, so
 * nobody reaches it around the gateway's policies. It is signed with the gateway's private key
 * and verified with its public keys (a JWKS the gateway serves: context-token-keys.ts), so a
 * product holds nothing that could mint one. The request id travels in `x-request-id`, not in
 * the token, so one token serves a principal's requests. Header: `alg` ES256, `kid`. Claims:
 * `sub`, `exp`, `iat`, `iss`, `aud`, `anon`, `roles`, `scopes`, `attrs`, `filters` (per
 * subgraph, typed predicates: row-filter.ts) when any apply, and `v` (version.ts). The
 * gateway's signer (gateway/subgraph-fetch/context-token.ts) adds caching and the key; this
 * file is what both sides must agree on.
 */
export const CONTEXT_TOKEN_HEADER = 'x-meshgate-context';
export const CONTEXT_TOKEN_ISSUER = 'meshgate-gateway';
export const CONTEXT_TOKEN_AUDIENCE = 'meshgate-subgraph';
export { CONTEXT_TOKEN_ALGORITHM };

/** Signs a principal's token with the gateway's EC P-256 private key; `filters` only when some apply. */
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
      keyid: contextTokenKid(key),
      expiresIn: ttlSeconds,
      issuer: CONTEXT_TOKEN_ISSUER,
      audience: CONTEXT_TOKEN_AUDIENCE,
      subject: principal.sub,
    },
  );
}

/** Checks a token and reads its claims: `undefined` when it is missing, forged, expired or malformed. */
export type ContextTokenVerifier = (token: string | undefined) => ContextClaims | undefined;
/** The same, for keys fetched from the gateway's JWKS (createRemoteContextTokenVerifier). */
export type AsyncContextTokenVerifier = (token: string | undefined) => Promise<ContextClaims | undefined>;

/**
 * Verifies context tokens with one public key of the gateway's (a private key is reduced to
 * its public half): the embedded mesh, and a product given the key as a PEM file.
 */
export function createContextTokenVerifier(key: KeyObject): ContextTokenVerifier {
  const publicKey = contextTokenPublicKey(key);
  // A principal's token is reused for half its lifetime: each is verified once, until it expires.
  const verified = new LRUCache<string, ContextClaims>({ max: 5_000 });
  return (token) => {
    if (!token) return undefined;
    const cached = verified.get(token);
    if (cached) return cached;
    let payload: jwt.JwtPayload;
    try {
      const result = jwt.verify(token, publicKey, {
        algorithms: [CONTEXT_TOKEN_ALGORITHM],
        issuer: CONTEXT_TOKEN_ISSUER,
        audience: CONTEXT_TOKEN_AUDIENCE,
      });
      if (typeof result === 'string') return undefined;
      payload = result;
    } catch {
      return undefined;
    }
    const claims = readClaims(payload);
    if (claims)
      verified.set(token, claims, {
        ttl: Math.max(1, (claims.principal.expiresAt ?? 0) * 1000 - Date.now()),
      });
    return claims;
  };
}

/**
 * Verifies context tokens with the keys the gateway publishes at `jwksUrl`
 * (`https://gateway/.well-known/meshgate/keys`): fetched on first use and again for a `kid`
 * it does not know (a rotated key), through `jose`'s createRemoteJWKSet. What a product in
 * another stack does the same way with its own JOSE library.
 */
export function createRemoteContextTokenVerifier(
  jwksUrl: URL,
  options: { readonly timeoutMs?: number } = {},
): AsyncContextTokenVerifier {
  const keys = createRemoteJWKSet(jwksUrl, { timeoutDuration: options.timeoutMs ?? 5_000 });
  const verified = new LRUCache<string, ContextClaims>({ max: 5_000 });
  return async (token) => {
    if (!token) return undefined;
    const cached = verified.get(token);
    if (cached) return cached;
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, keys, {
        algorithms: [CONTEXT_TOKEN_ALGORITHM],
        issuer: CONTEXT_TOKEN_ISSUER,
        audience: CONTEXT_TOKEN_AUDIENCE,
      }));
    } catch {
      return undefined;
    }
    const claims = readClaims(payload);
    if (claims)
      verified.set(token, claims, {
        ttl: Math.max(1, (claims.principal.expiresAt ?? 0) * 1000 - Date.now()),
      });
    return claims;
  };
}

/** The claims of a token whose signature, issuer, audience and expiry were checked. */
function readClaims(payload: JWTPayload | jwt.JwtPayload): ContextClaims | undefined {
  if (typeof payload.sub !== 'string' || typeof payload.exp !== 'number') return undefined;
  // A version this product does not know may mean claims it would misread (fail closed).
  if (payload.v !== undefined && payload.v !== PROTOCOL_VERSION) return undefined;
  // A filter the product cannot read is a request it must not answer (fail closed).
  const filters = parseRowFilterClaims(payload.filters);
  if (!filters) return undefined;
  return {
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
}

function strings(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}

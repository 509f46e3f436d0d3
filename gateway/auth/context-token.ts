import { createSecretKey, type KeyObject } from 'node:crypto';
import jwt from 'jsonwebtoken';
import { LRUCache } from 'lru-cache';
import type { Principal } from '../types.js';
import { secretFor } from './dev-key.js';
import type { ContextTokenConfig } from './security-config.js';
import type { ContextClaims } from './types.js';

/**
 * The gateway → subgraph context token: a short-lived HS256 JWT holding the principal and the
 * request id, sent on every subgraph fetch in the `x-meshgate-context` header. Subgraphs
 * answer only requests that carry a valid one, so nobody reaches a data product around the
 * gateway's policies. Its key is CONTEXT_TOKEN_SECRET, else one derived from the development
 * key, which the subgraphs of the embedded default read from the same state directory.
 */
export const CONTEXT_TOKEN_HEADER = 'x-meshgate-context';
const ISSUER = 'meshgate-gateway';
const AUDIENCE = 'meshgate-subgraph';

export function contextTokenKey(config: ContextTokenConfig, stateDir: string): KeyObject {
  return createSecretKey(secretFor('context-token', config.secret, stateDir));
}

export interface ContextTokenSigner {
  /** The token for one request; signed once per request and reused by each of its fetches. */
  sign(principal: Principal, requestId: string): string;
}

export function createContextTokenSigner(key: KeyObject, ttlSeconds: number): ContextTokenSigner {
  // Per request (request ids are unique); bounded, and entries expire before their tokens.
  const signed = new LRUCache<string, string>({ max: 5_000, ttl: Math.max(1, ttlSeconds - 1) * 1000 });
  return {
    sign(principal, requestId) {
      // A client may reuse a request id: the key holds everything the token does.
      const cacheKey = `${requestId}\u0000${principal.sub}\u0000${principal.anonymous}\u0000${JSON.stringify([principal.roles, principal.scopes, principal.attributes])}`;
      const cached = signed.get(cacheKey);
      if (cached) return cached;
      const token = jwt.sign(
        {
          rid: requestId,
          anon: principal.anonymous,
          roles: principal.roles,
          scopes: principal.scopes,
          attrs: principal.attributes,
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
      signed.set(cacheKey, token);
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
    if (typeof payload.rid !== 'string' || typeof payload.sub !== 'string' || typeof payload.exp !== 'number')
      return undefined;
    const claims: ContextClaims = {
      requestId: payload.rid,
      principal: {
        sub: payload.sub,
        anonymous: payload.anon === true,
        roles: strings(payload.roles),
        scopes: strings(payload.scopes),
        attributes:
          typeof payload.attrs === 'object' && payload.attrs !== null
            ? (payload.attrs as Record<string, string>)
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

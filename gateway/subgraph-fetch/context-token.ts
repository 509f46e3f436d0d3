import { createSecretKey, type KeyObject } from 'node:crypto';
import jwt from 'jsonwebtoken';
import { LRUCache } from 'lru-cache';
import type { Principal } from '../common/types.js';
import { secretFor } from '../auth/dev-key.js';
import type { ContextTokenConfig } from '../auth/security-config.js';
import type { ContextClaims } from '../auth/types.js';

/**
 * The gateway → subgraph context token: a short-lived HS256 JWT holding the principal, sent
 * on every subgraph fetch in the `x-meshgate-context` header. Subgraphs answer only requests
 * that carry a valid one, so nobody reaches a data product around the gateway's policies. Its
 * key is CONTEXT_TOKEN_SECRET, else one derived from the development key, which the
 * subgraphs of the embedded default read from the same state directory. The request id
 * travels in `x-request-id`, not in the token, so one token serves a principal's requests.
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

export function createContextTokenSigner(key: KeyObject, ttlSeconds: number): ContextTokenSigner {
  // By principal object: authentication hands out one object per bearer token (its cache) and
  // one ANONYMOUS. Reusing a token for half its lifetime exposes nothing a per-request token
  // would not (either is valid for its whole lifetime), and spares a signature per request
  // here and a verification per fetch in the subgraphs, whose verifier caches by token.
  const signed = new WeakMap<Principal, { token: string; renewAt: number }>();
  return {
    sign(principal) {
      const now = Date.now();
      const cached = signed.get(principal);
      if (cached && now < cached.renewAt) return cached.token;
      const token = jwt.sign(
        {
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
      signed.set(principal, { token, renewAt: now + ttlSeconds * 500 });
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
    const claims: ContextClaims = {
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

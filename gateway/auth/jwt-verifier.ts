import jwt from 'jsonwebtoken';
import { LRUCache } from 'lru-cache';
import { ErrorCode } from '../common/errors.js';
import type { Principal } from '../common/types.js';
import { AuthenticationError } from './authentication-error.js';
import { principalFromClaims } from './claims.js';
import type { AuthConfig } from './security-config.js';
import type { TokenFailure } from './types.js';
import type { VerificationKeys } from './verification-keys.js';

export interface JwtVerifierOptions {
  auth: AuthConfig;
  keys: VerificationKeys;
  /** Verified tokens kept; each until it expires. Default 10 000. */
  cacheSize?: number;
}

/**
 * Verifies a bearer JWT (RFC 7519) with jsonwebtoken: the algorithm must be in the allow-list
 * (`none` never is), the key is picked by algorithm family and `kid`, and exp/nbf are checked
 * with the clock tolerance, plus iss and aud. A verified token's principal is cached until the
 * token's `exp`, so a repeated token costs one map lookup.
 */
export function createJwtVerifier({
  auth,
  keys,
  cacheSize = 10_000,
}: JwtVerifierOptions): (token: string) => Principal {
  const cache = new LRUCache<string, Principal>({ max: cacheSize });
  const algorithms = [...auth.algorithms];
  return (token) => {
    const cached = cache.get(token);
    if (cached) return cached;
    const principal = verify(token);
    // No exp: verify each time rather than trust it forever.
    if (principal.expiresAt !== undefined) {
      const ttl = principal.expiresAt * 1000 - Date.now();
      if (ttl > 0) cache.set(token, principal, { ttl });
    }
    return principal;
  };

  function verify(token: string): Principal {
    const decoded = jwt.decode(token, { complete: true });
    if (!decoded || typeof decoded.payload === 'string') throw refused('malformed');
    const { alg, kid } = decoded.header;
    if (!algorithms.includes(alg as (typeof algorithms)[number])) throw refused('algorithm');
    const key = alg.startsWith('HS')
      ? keys.secret
      : (keys.publicKeys.get(kid) ?? (kid === undefined ? undefined : keys.publicKeys.get(undefined)));
    if (!key) throw refused('unknown_key');
    try {
      const claims = jwt.verify(token, key, {
        algorithms: [alg as jwt.Algorithm],
        issuer: auth.issuer,
        audience: auth.audience,
        clockTolerance: auth.clockToleranceSeconds,
      });
      if (typeof claims === 'string') throw refused('malformed');
      return principalFromClaims(claims as Record<string, unknown>, auth.claims);
    } catch (error) {
      if (error instanceof AuthenticationError) throw error;
      throw refused(failureOf(error));
    }
  }
}

function refused(reason: TokenFailure): AuthenticationError {
  return new AuthenticationError(ErrorCode.TOKEN_INVALID, reason);
}

/** jsonwebtoken's error classes and messages, reduced to a reason a client can act on. */
function failureOf(error: unknown): TokenFailure {
  if (error instanceof jwt.TokenExpiredError) return 'expired';
  if (error instanceof jwt.NotBeforeError) return 'not_yet_valid';
  const message = error instanceof Error ? error.message : '';
  if (message.startsWith('jwt audience invalid')) return 'audience';
  if (message.startsWith('jwt issuer invalid')) return 'issuer';
  if (message === 'invalid signature') return 'signature';
  if (message.includes('algorithm')) return 'algorithm';
  return 'malformed';
}

import { decodeJwt, decodeProtectedHeader, errors, jwtVerify, type JWTPayload } from 'jose';
import { LRUCache } from 'lru-cache';
import { ErrorCode } from '../common/errors.js';
import type { Principal } from '../common/types.js';
import { AuthenticationError } from './authentication-error.js';
import { principalFromClaims } from './claims.js';
import { KeysUnavailable, type RemoteKeySet } from './remote-key-set.js';
import type { AuthConfig } from './security-config.js';
import type { TokenFailure } from './types.js';
import type { VerificationKeys } from './verification-keys.js';

export interface JwtVerifierOptions {
  auth: AuthConfig;
  /** The local keys: JWT_SECRET or the development key (HS*), a PEM or a JWKS file. */
  keys: VerificationKeys;
  /** The identity provider's keys (auth.remote set), else null. */
  remote: RemoteKeySet | null;
  /** Verified tokens kept; each until it expires. Default 10 000. */
  cacheSize?: number;
}

/**
 * Verifies a bearer JWT (RFC 7519, RFC 8725) with jose. The token's `iss` picks the keys:
 *
 * - the identity provider's issuer (OIDC_ISSUER, or JWT_ISSUER with JWT_JWKS_URL): its JWKS,
 *   asymmetric algorithms only (OIDC_ALGORITHMS; `none` and HS* refused, as anyone can read the
 *   provider's public key), `aud` = OIDC_AUDIENCE;
 * - JWT_ISSUER: the local keys of development and `meshgate token`, JWT_ALGORITHMS;
 * - any other issuer: refused (`issuer`).
 *
 * exp/nbf are checked with the bounded clock tolerance. A verified token's principal is cached
 * until its `exp`, and dropped when the provider's key set changes (a removed key must stop
 * verifying, including tokens already seen).
 */
export function createJwtVerifier({
  auth,
  keys,
  remote,
  cacheSize = 10_000,
}: JwtVerifierOptions): (token: string) => Promise<Principal> {
  const cache = new LRUCache<string, { principal: Principal; generation: number }>({ max: cacheSize });
  const generation = () => remote?.generation() ?? 0;
  return async (token) => {
    remote?.touch();
    const cached = cache.get(token);
    if (cached && cached.generation === generation()) return cached.principal;
    const principal = await verify(token);
    // No exp: verify each time rather than trust it forever.
    if (principal.expiresAt !== undefined) {
      const ttl = principal.expiresAt * 1000 - Date.now();
      if (ttl > 0) cache.set(token, { principal, generation: generation() }, { ttl });
    }
    return principal;
  };

  async function verify(token: string): Promise<Principal> {
    let alg: string | undefined;
    let kid: string | undefined;
    let iss: string | undefined;
    try {
      ({ alg, kid } = decodeProtectedHeader(token));
      iss = decodeJwt(token).iss;
    } catch {
      throw refused('malformed');
    }
    if (typeof alg !== 'string') throw refused('malformed');
    let claims: JWTPayload;
    try {
      if (auth.remote && remote && iss === auth.remote.issuer) {
        if (!(auth.remote.algorithms as readonly string[]).includes(alg)) throw refused('algorithm');
        ({ payload: claims } = await jwtVerify(token, remote.getKey, {
          algorithms: [...auth.remote.algorithms],
          issuer: auth.remote.issuer,
          audience: auth.remote.audience,
          clockTolerance: auth.clockToleranceSeconds,
        }));
      } else if (iss === auth.issuer) {
        if (!(auth.algorithms as readonly string[]).includes(alg)) throw refused('algorithm');
        const key = alg.startsWith('HS')
          ? keys.secret
          : (keys.publicKeys.get(kid) ?? (kid === undefined ? undefined : keys.publicKeys.get(undefined)));
        if (!key) throw refused('unknown_key');
        ({ payload: claims } = await jwtVerify(token, key, {
          algorithms: [alg],
          issuer: auth.issuer,
          audience: auth.audience,
          clockTolerance: auth.clockToleranceSeconds,
        }));
      } else throw refused('issuer');
    } catch (error) {
      if (error instanceof AuthenticationError) throw error;
      if (error instanceof KeysUnavailable)
        throw new AuthenticationError(ErrorCode.IDENTITY_PROVIDER_UNAVAILABLE, 'provider_unavailable');
      throw refused(failureOf(error));
    }
    return principalFromClaims(claims as Record<string, unknown>, auth.claims);
  }
}

function refused(reason: TokenFailure): AuthenticationError {
  return new AuthenticationError(ErrorCode.TOKEN_INVALID, reason);
}

/** jose's error classes, reduced to a reason a client can act on. */
function failureOf(error: unknown): TokenFailure {
  if (error instanceof errors.JWTExpired) return 'expired';
  if (error instanceof errors.JWTClaimValidationFailed) {
    if (error.claim === 'nbf') return 'not_yet_valid';
    if (error.claim === 'iss') return 'issuer';
    if (error.claim === 'aud') return 'audience';
    return 'malformed';
  }
  if (error instanceof errors.JOSEAlgNotAllowed || error instanceof errors.JOSENotSupported)
    return 'algorithm';
  if (error instanceof errors.JWSSignatureVerificationFailed) return 'signature';
  if (error instanceof errors.JWKSNoMatchingKey || error instanceof errors.JWKSMultipleMatchingKeys)
    return 'unknown_key';
  return 'malformed';
}

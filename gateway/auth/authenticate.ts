import { ANONYMOUS } from './anonymous.js';
import { ErrorCode } from '../common/errors.js';
import { AuthenticationError } from './authentication-error.js';
import { createJwtVerifier } from './jwt-verifier.js';
import { discoveredJwksUri } from './oidc-discovery.js';
import { remoteKeySet, type RemoteKeySet } from './remote-key-set.js';
import type { AuthConfig } from './security-config.js';
import type { Authenticate, Authenticator } from './types.js';
import { loadVerificationKeys } from './verification-keys.js';
import { inSpan } from '../observability/tracing/in-span.js';

export interface AuthenticationOptions {
  auth: AuthConfig;
  /** Where the development key lives (config.stateDir). */
  stateDir: string;
}

/**
 * The authenticate stage: `Authorization: Bearer <JWT>` → a verified principal. No header
 * gives the anonymous principal, or 401 UNAUTHENTICATED when `AUTH_REQUIRED=true`. Local keys
 * are resolved once, here, so a bad key configuration refuses start-up; the identity
 * provider's keys are fetched in the background from here on (a provider that is down does
 * not stop the gateway: its tokens get 401 IDENTITY_PROVIDER_UNAVAILABLE until it answers).
 */
export function createAuthenticate({ auth, stateDir }: AuthenticationOptions): Authenticator {
  const remote = auth.remote ? providerKeys(auth.remote) : null;
  const verify = createJwtVerifier({ auth, keys: loadVerificationKeys(auth, stateDir), remote });
  const authenticate: Authenticate = async (authorization) => {
    if (authorization === undefined || authorization.trim() === '') {
      if (auth.required) throw new AuthenticationError(ErrorCode.UNAUTHENTICATED, 'missing');
      return ANONYMOUS;
    }
    const match = /^Bearer +([A-Za-z0-9._~+/=-]+)\s*$/i.exec(authorization);
    if (!match) throw new AuthenticationError(ErrorCode.TOKEN_INVALID, 'malformed');
    return verify(match[1]!);
  };
  // The span carries the subject only, never the token or its claims.
  const traced: Authenticate = (authorization) =>
    inSpan('meshgate.authenticate', {}, async (span) => {
      const principal = await authenticate(authorization);
      span.setAttributes({ 'enduser.id': principal.sub, 'meshgate.anonymous': principal.anonymous });
      return principal;
    });
  return Object.assign(traced, {
    identityProvider: () => remote?.status() ?? null,
    close: () => remote?.close(),
  });
}

function providerKeys(remote: NonNullable<AuthConfig['remote']>): RemoteKeySet {
  const keys = remoteKeySet({
    issuer: remote.issuer,
    jwksUri:
      remote.jwksUrl !== undefined
        ? () => Promise.resolve(remote.jwksUrl!)
        : discoveredJwksUri(remote.issuer, remote.timeoutMs),
    refreshMs: remote.refreshSeconds * 1000,
    cooldownMs: remote.cooldownSeconds * 1000,
    timeoutMs: remote.timeoutMs,
  });
  // Warm the cache now, so the first request finds the keys; a failure is reported at /ready.
  void keys.refresh();
  return keys;
}

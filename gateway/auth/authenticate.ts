import { ANONYMOUS } from './anonymous.js';
import { ErrorCode } from '../common/errors.js';
import { AuthenticationError } from './authentication-error.js';
import { createJwtVerifier } from './jwt-verifier.js';
import type { AuthConfig } from './security-config.js';
import type { Authenticate } from './types.js';
import { loadVerificationKeys } from './verification-keys.js';
import { inSpan } from '../observability/tracing/in-span.js';

export interface AuthenticationOptions {
  auth: AuthConfig;
  /** Where the development key lives (config.stateDir). */
  stateDir: string;
}

/**
 * The authenticate stage: `Authorization: Bearer <JWT>` → a verified principal. No header
 * gives the anonymous principal, or 401 UNAUTHENTICATED when `AUTH_REQUIRED=true`. Keys are
 * resolved once, here, so a bad key configuration refuses start-up.
 */
export function createAuthenticate({ auth, stateDir }: AuthenticationOptions): Authenticate {
  const verify = createJwtVerifier({ auth, keys: loadVerificationKeys(auth, stateDir) });
  const authenticate: Authenticate = (authorization) => {
    if (authorization === undefined || authorization.trim() === '') {
      if (auth.required) throw new AuthenticationError(ErrorCode.UNAUTHENTICATED, 'missing');
      return ANONYMOUS;
    }
    const match = /^Bearer +([A-Za-z0-9._~+/=-]+)\s*$/i.exec(authorization);
    if (!match) throw new AuthenticationError(ErrorCode.TOKEN_INVALID, 'malformed');
    return verify(match[1]!);
  };
  // The span carries the subject only, never the token or its claims.
  return (authorization) =>
    inSpan('meshgate.authenticate', {}, (span) => {
      const principal = authenticate(authorization);
      span.setAttributes({ 'enduser.id': principal.sub, 'meshgate.anonymous': principal.anonymous });
      return principal;
    });
}

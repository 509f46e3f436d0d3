import { ErrorCode, MeshgateGraphQLError, httpExtension, messageOf } from '../common/errors.js';
import type { TokenFailure } from './types.js';

/**
 * A request that cannot be authenticated: 401 with a code, a one-word reason and nothing
 * about keys or libraries. Thrown from the context function, so Apollo Server answers with
 * the status in `extensions.http` and runs nothing.
 */
export class AuthenticationError extends MeshgateGraphQLError {
  constructor(
    readonly code:
      ErrorCode.TOKEN_INVALID | ErrorCode.UNAUTHENTICATED | ErrorCode.IDENTITY_PROVIDER_UNAVAILABLE,
    reason: TokenFailure | 'missing',
  ) {
    super(code, code === ErrorCode.TOKEN_INVALID ? `Invalid bearer token (${reason})` : messageOf(code), {
      reason,
      http: httpExtension(code, { 'www-authenticate': 'Bearer' }),
    });
  }
}

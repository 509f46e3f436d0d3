export { AuthenticationError } from './authentication-error.js';
export { useAuthentication, type AuthenticationOptions } from './authenticate.js';
export { secretFor, developmentKey } from './dev-key.js';
export { issueToken, type TokenRequest } from './token-issuer.js';
export type { Authenticate, ContextClaims, TokenFailure } from './types.js';

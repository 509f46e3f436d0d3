export { AuthenticationError } from './authentication-error.js';
export { createAuthenticate, type AuthenticationOptions } from './authenticate.js';
export { useAuthentication } from './use-authentication.js';
export { secretFor, developmentKey } from './dev-key.js';
export { issueToken, type TokenRequest } from './token-issuer.js';
export type { Authenticate, Authenticator, IdentityProviderStatus, TokenFailure } from './types.js';

import type { Principal } from '../common/types.js';

/**
 * Turns the `Authorization` header into a principal, or rejects with an `AuthenticationError`
 * (401). Asynchronous: a token of the identity provider may need its keys fetched (once per
 * interval at most, and never longer than the fetch timeout).
 */
export type Authenticate = (authorization: string | undefined) => Promise<Principal>;

/** `createAuthenticate`'s function, and the state of the identity provider it verifies against. */
export interface Authenticator extends Authenticate {
  /** For `/ready`: null without OIDC_ISSUER / JWT_JWKS_URL. */
  identityProvider(): IdentityProviderStatus | null;
  /** Stops the background fetches of the identity provider's keys. */
  close(): void;
}

/**
 * What `/ready` says of the identity provider: `ok` (keys fresh), `degraded` (the last fetch
 * failed; the cached keys still verify), `unavailable` (no keys: its tokens get 401
 * IDENTITY_PROVIDER_UNAVAILABLE), `starting` (the first fetch is under way).
 */
export interface IdentityProviderStatus {
  readonly issuer: string;
  readonly status: 'ok' | 'degraded' | 'unavailable' | 'starting';
  readonly jwksUri: string | null;
  /** The `kid`s of the cached keys. */
  readonly keys: readonly string[];
  /** JWKS fetches since start. */
  readonly fetches: number;
  readonly fetchedAt: string | null;
  /** Why the last fetch failed. */
  readonly reason?: string;
  readonly failedAt?: string;
}

/** Why a bearer token was refused: a stable word a client can act on, never internal detail. */
export type TokenFailure =
  | 'malformed'
  | 'expired'
  | 'not_yet_valid'
  | 'signature'
  | 'algorithm'
  | 'audience'
  | 'issuer'
  | 'unknown_key'
  | 'provider_unavailable';

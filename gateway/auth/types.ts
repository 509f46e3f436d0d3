import type { Principal } from '../common/types.js';

/** Turns the `Authorization` header into a principal, or throws an `AuthenticationError` (401). */
export type Authenticate = (authorization: string | undefined) => Principal;

/** Why a bearer token was refused: a stable word a client can act on, never internal detail. */
export type TokenFailure =
  | 'malformed'
  | 'expired'
  | 'not_yet_valid'
  | 'signature'
  | 'algorithm'
  | 'audience'
  | 'issuer'
  | 'unknown_key';

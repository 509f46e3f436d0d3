import type { RowFilterClaims } from '../common/row-filter.js';
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

/** What the gateway tells a subgraph about a fetch: who asks, and which rows they may see. */
export interface ContextClaims {
  readonly principal: Principal;
  /** The row filters each subgraph enforces (gateway/common/row-filter.ts); `{}` when none. */
  readonly filters: RowFilterClaims;
}

import type { Principal } from '../../common/types.js';

/**
 * The console's public contracts: a signed-in session, and what the browser is told about it.
 * Implementations live beside this file; the browser code (../web/) reads `ConsoleSessionView`.
 */

/** One signed-in browser. Kept on the server: the cookie carries only its random id. */
export interface ConsoleSession {
  readonly id: string;
  /** The bearer token the user signed in with: every request re-verifies it, so expiry applies. */
  readonly token: string;
  readonly principal: Principal;
  /** Sent back in `x-meshgate-csrf` on every request that uses the session (CSRF protection). */
  readonly csrf: string;
  /**
   * Epoch ms: the token's expiry, or the session's lifetime, whichever comes first; with a
   * refresh token, the session's lifetime (the token is renewed before it expires).
   */
  readonly expiresAt: number;
  /** Single sign-on: what the identity provider granted besides the access token. Never sent to the browser. */
  readonly provider?: ProviderTokens | undefined;
}

/** The identity provider's other tokens of a single sign-on session, kept server-side only. */
export interface ProviderTokens {
  /** Renews the access token before it expires (refresh_token grant); absent when not granted. */
  readonly refreshToken?: string | undefined;
  /** The `id_token_hint` of RP-initiated logout. */
  readonly idToken?: string | undefined;
}

/** What each page needs, from the same role lists the endpoints behind it enforce. */
export interface ConsoleCapabilities {
  /** `/catalog` (analyst, admin, data-steward). */
  readonly catalog: boolean;
  /** `/admin/lineage` (admin, data-steward). */
  readonly lineage: boolean;
  /** `/admin/slo`: SLI charts and error budgets (admin, data-steward). */
  readonly slo: boolean;
  /** The policy matrix and schema checks (admin, data-steward). */
  readonly governance: boolean;
}

/** `GET /console/api/session`: who is signed in, the CSRF token, what the pages may show. */
export interface ConsoleSessionView {
  readonly sub: string;
  readonly roles: readonly string[];
  readonly csrf: string;
  readonly expiresAt: string;
  readonly can: ConsoleCapabilities;
}

/** The header every console request on the session carries. */
export const CSRF_HEADER = 'x-meshgate-csrf';
/** The session cookie: HttpOnly, SameSite=Strict, Path=/. */
export const SESSION_COOKIE = 'meshgate_session';
/** The single sign-on flow's cookie: its id only (state, nonce and PKCE verifier stay server-side). */
export const SSO_FLOW_COOKIE = 'meshgate_sso';
/** The sign-in form's own CSRF cookie (double submit: there is no session yet to tie it to). */
export const LOGIN_CSRF_COOKIE = 'meshgate_login_csrf';

import * as oidc from 'openid-client';
import type { ConsoleSsoConfig } from '../../auth/oidc-config.js';
import type { ProviderTokens } from './types.js';

/** What a code exchange or a refresh brought: the bearer token the gateway verifies, and the rest. */
export interface GrantedTokens extends ProviderTokens {
  readonly accessToken: string;
}

/** One authorization request's secrets, kept server-side until its callback (RFC 7636, OIDC Core §3.1.2.1). */
export interface AuthorizationRequest {
  readonly url: URL;
  readonly state: string;
  readonly nonce: string;
  readonly codeVerifier: string;
}

export interface ConsoleOidcClient {
  authorizationRequest(redirectUri: string): Promise<AuthorizationRequest>;
  /** The callback's URL (code and state) exchanged for tokens; throws on a mismatch or a refusal. */
  exchange(callbackUrl: URL, request: AuthorizationRequest): Promise<GrantedTokens>;
  refresh(refreshToken: string): Promise<GrantedTokens>;
  /** RP-initiated logout (OIDC RP-Initiated Logout 1.0): null when the provider has no end_session_endpoint. */
  endSessionUrl(idToken: string | undefined, postLogoutRedirectUri: string): Promise<URL | null>;
}

/**
 * The console's OpenID Connect client (openid-client): the authorization code flow with PKCE
 * (S256), state and nonce; the refresh_token grant; RP-initiated logout. Discovery runs on
 * first use and is retried on the next sign-in when the provider did not answer, so a provider
 * that is down at start does not stop the gateway. Plain http only for a loopback issuer
 * (oidc-config.ts refuses any other).
 */
export function consoleOidcClient(config: ConsoleSsoConfig): ConsoleOidcClient {
  let discovered: Promise<oidc.Configuration> | null = null;
  const configuration = () =>
    (discovered ??= oidc
      .discovery(
        new URL(config.issuer),
        config.clientId,
        undefined,
        config.clientSecret === undefined ? oidc.None() : oidc.ClientSecretBasic(config.clientSecret),
        {
          timeout: Math.ceil(config.timeoutMs / 1000),
          ...(new URL(config.issuer).protocol === 'http:' && { execute: [oidc.allowInsecureRequests] }),
        },
      )
      .catch((error: unknown) => {
        discovered = null;
        throw error;
      }));

  const granted = (tokens: oidc.TokenEndpointResponse, previous?: string): GrantedTokens => ({
    accessToken: tokens.access_token,
    // A refresh that does not rotate the refresh token leaves the one the session has.
    refreshToken: tokens.refresh_token ?? previous,
    idToken: tokens.id_token,
  });

  return {
    async authorizationRequest(redirectUri) {
      const server = await configuration();
      const codeVerifier = oidc.randomPKCECodeVerifier();
      const state = oidc.randomState();
      const nonce = oidc.randomNonce();
      const url = oidc.buildAuthorizationUrl(server, {
        redirect_uri: redirectUri,
        scope: config.scopes,
        code_challenge: await oidc.calculatePKCECodeChallenge(codeVerifier),
        code_challenge_method: 'S256',
        state,
        nonce,
      });
      return { url, state, nonce, codeVerifier };
    },
    async exchange(callbackUrl, request) {
      const tokens = await oidc.authorizationCodeGrant(await configuration(), callbackUrl, {
        pkceCodeVerifier: request.codeVerifier,
        expectedState: request.state,
        expectedNonce: request.nonce,
        idTokenExpected: true,
      });
      return granted(tokens);
    },
    async refresh(refreshToken) {
      return granted(await oidc.refreshTokenGrant(await configuration(), refreshToken), refreshToken);
    },
    async endSessionUrl(idToken, postLogoutRedirectUri) {
      const server = await configuration();
      if (!server.serverMetadata().end_session_endpoint) return null;
      return oidc.buildEndSessionUrl(server, {
        post_logout_redirect_uri: postLogoutRedirectUri,
        client_id: config.clientId,
        ...(idToken !== undefined && { id_token_hint: idToken }),
      });
    },
  };
}

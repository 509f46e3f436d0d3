import { randomBytes } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { LRUCache } from 'lru-cache';
import { AuthenticationError } from '../../auth/authentication-error.js';
import type { ConsoleSsoConfig } from '../../auth/oidc-config.js';
import type { Authenticate } from '../../auth/types.js';
import { ErrorCode, httpStatusOf, messageOf, type HttpErrorCode } from '../../common/errors.js';
import type { Logger } from '../../common/logger.js';
import { readCookie, sessionCookie } from './cookies.js';
import { noticePage } from './html-pages.js';
import { consoleOidcClient, type AuthorizationRequest, type ConsoleOidcClient } from './oidc-client.js';
import { withSecurityHeaders } from './security-headers.js';
import type { SessionStore } from './session-store.js';
import { SESSION_COOKIE, SSO_FLOW_COOKIE, type ConsoleSession } from './types.js';

export interface SsoOptions {
  readonly config: ConsoleSsoConfig;
  readonly authenticate: Authenticate;
  readonly sessions: SessionStore;
  readonly secureCookies: boolean;
  readonly logger: Logger;
}

/** The console's single sign-on, as login-routes.ts and session-bearer.ts use it. */
export interface ConsoleSso {
  /** `GET /console/login`: to the provider's authorization endpoint, `next` kept for the return. */
  signIn(request: FastifyRequest, reply: FastifyReply, next: string): Promise<FastifyReply>;
  /** A session whose access token expires within a minute, renewed with its refresh token; undefined: ended. */
  renew(session: ConsoleSession): Promise<ConsoleSession | undefined>;
  /** Where sign-out sends the browser: the provider's end_session_endpoint, or null. */
  logoutUrl(session: ConsoleSession, request: FastifyRequest): Promise<string | null>;
}

const FLOW_SECONDS = 10 * 60;
/** Renew the access token this long before it expires. */
const RENEW_BEFORE_MS = 60_000;

/**
 * The OIDC authorization code flow with PKCE for the console (`/console/login` →
 * provider → `/console/callback`), and sign-out through the provider.
 *
 * - The flow's state, nonce and PKCE verifier stay server-side; the browser holds only a
 *   random id in an HttpOnly, SameSite=Lax cookie scoped to /console/callback (Lax: the
 *   provider's redirect back is a cross-site top-level GET), used once.
 * - The callback verifies the access token with the authenticate function /graphql uses, so
 *   the console's principal is exactly the API's; the session keeps the refresh and ID tokens
 *   server-side, never in a cookie or a page.
 * - The callback answers with a page that moves on by meta refresh: the session cookie is
 *   SameSite=Strict, which a browser does not send on a redirect chain a cross-site page began.
 */
export function consoleSso(app: FastifyInstance, options: SsoOptions): ConsoleSso {
  const { config, sessions, secureCookies: secure, logger } = options;
  const client: ConsoleOidcClient = consoleOidcClient(config);
  const flows = new LRUCache<string, AuthorizationRequest & { next: string; redirectUri: string }>({
    max: 10_000,
    ttl: FLOW_SECONDS * 1000,
  });
  const origin = (request: FastifyRequest) => `${request.protocol}://${request.host}`;
  const redirectUriOf = (request: FastifyRequest) =>
    config.redirectUri ?? `${origin(request)}/console/callback`;
  const renewing = new Map<string, Promise<ConsoleSession | undefined>>();

  const failed = (reply: FastifyReply, code: HttpErrorCode, message: string) =>
    withSecurityHeaders(reply)
      .code(httpStatusOf(code))
      .header('cache-control', 'no-store')
      .header('set-cookie', flowCookie('', 0))
      .type('text/html; charset=utf-8')
      .send(
        noticePage({
          title: 'Sign-in failed',
          message: 'Signing in with the identity provider did not complete.',
          error: { code, message },
          link: { href: '/console/login', text: 'Sign in again' },
        }),
      );
  const flowCookie = (value: string, maxAgeSeconds: number) =>
    sessionCookie(SSO_FLOW_COOKIE, value, {
      maxAgeSeconds,
      secure,
      path: '/console/callback',
      sameSite: 'Lax',
    });

  app.get(
    '/console/callback',
    async (request: FastifyRequest<{ Querystring: Record<string, string | undefined> }>, reply) => {
      const id = readCookie(request.headers.cookie, SSO_FLOW_COOKIE);
      const flow = id === undefined ? undefined : flows.get(id);
      if (id !== undefined) flows.delete(id); // one use: a replayed callback finds nothing
      const code = ErrorCode.CONSOLE_SSO_FAILED;
      if (!flow) return failed(reply, code, 'the sign-in expired or was started in another browser');
      if (request.query.error !== undefined)
        return failed(
          reply,
          code,
          `the identity provider answered ${request.query.error}${request.query.error_description ? `: ${request.query.error_description}` : ''}`,
        );
      let tokens;
      try {
        const callback = new URL(flow.redirectUri);
        callback.search = new URL(request.url, origin(request)).search;
        tokens = await client.exchange(callback, flow);
      } catch (error) {
        logger.warn({ err: error }, 'console sign-in: the code exchange failed');
        return failed(reply, code, `the code exchange failed: ${(error as Error).message}`);
      }
      let principal;
      try {
        principal = await options.authenticate(`Bearer ${tokens.accessToken}`);
      } catch (error) {
        if (!(error instanceof AuthenticationError)) throw error;
        // The provider issued a token /graphql would refuse (audience, issuer, algorithm): say which.
        return failed(reply, error.code, error.message);
      }
      const session = sessions.create(tokens.accessToken, principal, {
        refreshToken: tokens.refreshToken,
        idToken: tokens.idToken,
      });
      const old = readCookie(request.headers.cookie, SESSION_COOKIE);
      if (old) sessions.end(old); // never reuse a session id from before sign-in (fixation)
      logger.info({ sub: principal.sub }, 'console sign-in through the identity provider');
      return withSecurityHeaders(reply)
        .header('cache-control', 'no-store')
        .header('set-cookie', [
          sessionCookie(SESSION_COOKIE, session.id, {
            maxAgeSeconds: (session.expiresAt - Date.now()) / 1000,
            secure,
          }),
          flowCookie('', 0),
        ])
        .type('text/html; charset=utf-8')
        .send(
          noticePage({
            title: 'Signed in',
            message: `Signed in as ${principal.sub}.`,
            refreshTo: flow.next,
            link: { href: flow.next, text: 'Continue to the console' },
          }),
        );
    },
  );

  app.get('/console/signed-out', async (_request, reply) =>
    withSecurityHeaders(reply)
      .header('cache-control', 'no-store')
      .type('text/html; charset=utf-8')
      .send(
        noticePage({
          title: 'Signed out',
          message: 'You are signed out of the console and of the identity provider.',
          link: { href: '/console/login', text: 'Sign in again' },
        }),
      ),
  );

  return {
    async signIn(request, reply, next) {
      const redirectUri = redirectUriOf(request);
      let authorization: AuthorizationRequest;
      try {
        authorization = await client.authorizationRequest(redirectUri);
      } catch (error) {
        logger.warn({ err: error }, 'console sign-in: the identity provider did not answer discovery');
        return failed(
          reply,
          ErrorCode.IDENTITY_PROVIDER_UNAVAILABLE,
          `${messageOf(ErrorCode.IDENTITY_PROVIDER_UNAVAILABLE)} (${(error as Error).message})`,
        );
      }
      const id = randomBytes(32).toString('base64url');
      flows.set(id, { ...authorization, next, redirectUri });
      return reply
        .code(303)
        .header('cache-control', 'no-store')
        .header('set-cookie', flowCookie(id, FLOW_SECONDS))
        .header('location', authorization.url.href)
        .send();
    },

    renew(session) {
      const refreshToken = session.provider?.refreshToken;
      const expiresAt = (session.principal.expiresAt ?? Infinity) * 1000;
      if (!refreshToken || expiresAt - Date.now() > RENEW_BEFORE_MS) return Promise.resolve(session);
      // One refresh per session at a time: the console's parallel requests share it.
      let renewal = renewing.get(session.id);
      if (!renewal) {
        renewal = (async () => {
          try {
            const tokens = await client.refresh(refreshToken);
            const principal = await options.authenticate(`Bearer ${tokens.accessToken}`);
            return sessions.renew(session.id, tokens.accessToken, principal, {
              refreshToken: tokens.refreshToken,
              idToken: tokens.idToken ?? session.provider?.idToken,
            });
          } catch (error) {
            // Refused or revoked: the session ends with its token (the provider says no more).
            logger.info({ err: error, sub: session.principal.sub }, 'console session: refresh refused');
            if (expiresAt <= Date.now()) sessions.end(session.id);
            return expiresAt > Date.now() ? session : undefined;
          } finally {
            renewing.delete(session.id);
          }
        })();
        renewing.set(session.id, renewal);
      }
      return renewal;
    },

    async logoutUrl(session, request) {
      const after = config.postLogoutRedirectUri ?? `${origin(request)}/console/signed-out`;
      try {
        return (await client.endSessionUrl(session.provider?.idToken, after))?.href ?? null;
      } catch (error) {
        logger.warn({ err: error }, 'console sign-out: no end_session_endpoint could be had');
        return null;
      }
    },
  };
}

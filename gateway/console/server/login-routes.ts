import { randomBytes } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AuthenticationError } from '../../auth/authentication-error.js';
import type { Authenticate } from '../../auth/types.js';
import { ErrorCode, httpStatusOf, messageOf, type HttpErrorCode } from '../../common/errors.js';
import { readCookie, sessionCookie } from './cookies.js';
import { sameToken } from '../../http/csrf.js';
import { loginPage, noticePage } from './html-pages.js';
import { capabilitiesOf } from './capabilities.js';
import { withSecurityHeaders } from './security-headers.js';
import type { SessionStore } from './session-store.js';
import type { ConsoleSso } from './sso-routes.js';
import { CSRF_HEADER, LOGIN_CSRF_COOKIE, SESSION_COOKIE, type ConsoleSessionView } from './types.js';

export interface LoginRouteOptions {
  readonly authenticate: Authenticate;
  readonly sessions: SessionStore;
  /** Set-Cookie `Secure`: on, except for plain-http development and tests. */
  readonly secureCookies: boolean;
  /** Single sign-on with the identity provider (OIDC_ISSUER + OIDC_CLIENT_ID); null: none. */
  readonly sso: ConsoleSso | null;
  /** Signing in by pasting a token: development and tests only, never in production. */
  readonly tokenPaste: boolean;
}

/** Where a sign-in may lead: the console's own pages, by name (never a URL: no open redirect). */
const NEXT_PAGES: Readonly<Record<string, string>> = { console: '/console/', graphiql: '/console/graphiql' };
const LOGIN_FORM_SECONDS = 15 * 60;

interface LoginForm {
  readonly token?: string;
  readonly csrf?: string;
  readonly next?: string;
}

/**
 * Signing in and out. With single sign-on, `GET /console/login` goes to the identity provider
 * (sso-routes.ts). In development, it is also the paste form (`?method=token` beside SSO):
 * `POST /console/login` takes the JWT in the body, verifies it with the authenticate function
 * /graphql uses, and sets the session cookie (HttpOnly, SameSite=Strict, Path=/; Secure outside
 * development); in production pasting is refused (CONSOLE_TOKEN_PASTE_DISABLED). `GET
 * /console/api/session` tells the page who is signed in and its CSRF token; `POST
 * /console/api/logout` ends the session and, after a single sign-on, names the provider's
 * end-session URL for the browser to go on to.
 */
export function registerLoginRoutes(app: FastifyInstance, options: LoginRouteOptions): void {
  const { sessions, secureCookies: secure } = options;
  const nextOf = (value: unknown) => (typeof value === 'string' && value in NEXT_PAGES ? value : 'console');

  const form = (
    reply: FastifyReply,
    next: string,
    status = 200,
    error?: { code: string; message: string },
  ) => {
    // Double submit: the form's hidden field must equal this cookie, which another site can't set or read.
    const csrf = randomBytes(24).toString('base64url');
    return withSecurityHeaders(reply)
      .code(status)
      .header('cache-control', 'no-store')
      .header(
        'set-cookie',
        sessionCookie(LOGIN_CSRF_COOKIE, csrf, {
          maxAgeSeconds: LOGIN_FORM_SECONDS,
          secure,
          path: '/console/login',
        }),
      )
      .type('text/html; charset=utf-8')
      .send(loginPage({ csrf, next, error, sso: options.sso !== null }));
  };

  // With single sign-on, straight to the provider; the paste form only in development (?method=token).
  app.get(
    '/console/login',
    async (request: FastifyRequest<{ Querystring: { next?: string; method?: string } }>, reply) => {
      const next = nextOf(request.query.next);
      if (options.sso && !(options.tokenPaste && request.query.method === 'token'))
        return options.sso.signIn(request, reply, NEXT_PAGES[next]!);
      if (!options.tokenPaste) {
        const code = ErrorCode.CONSOLE_TOKEN_PASTE_DISABLED;
        return withSecurityHeaders(reply)
          .code(httpStatusOf(code))
          .type('text/html; charset=utf-8')
          .send(
            noticePage({
              title: 'Sign in',
              message: 'No sign-in is configured: set OIDC_ISSUER and OIDC_CLIENT_ID.',
              error: { code, message: messageOf(code) },
            }),
          );
      }
      return form(reply, next);
    },
  );

  // The form posts application/x-www-form-urlencoded; parsed here only, /graphql still takes JSON alone.
  void app.register(async (scope) => {
    scope.addContentTypeParser(
      'application/x-www-form-urlencoded',
      { parseAs: 'string', bodyLimit: 64 * 1024 },
      (_request, body, done) => done(null, Object.fromEntries(new URLSearchParams(String(body)))),
    );
    scope.post('/console/login', async (request: FastifyRequest<{ Body: LoginForm | undefined }>, reply) => {
      const body = request.body ?? {};
      const next = nextOf(body.next);
      const refuse = (code: HttpErrorCode, message = messageOf(code)) =>
        form(reply, next, httpStatusOf(code), { code, message });
      const origin = request.headers.origin;
      const sameOrigin = origin === undefined || origin === `${request.protocol}://${request.host}`;
      if (!sameOrigin || !sameToken(body.csrf, readCookie(request.headers.cookie, LOGIN_CSRF_COOKIE) ?? ''))
        return refuse(
          ErrorCode.CSRF_INVALID,
          'the sign-in form expired or came from another site: sign in again',
        );
      if (!options.tokenPaste) return refuse(ErrorCode.CONSOLE_TOKEN_PASTE_DISABLED);
      const token = (body.token ?? '').trim();
      if (token === '') return refuse(ErrorCode.TOKEN_INVALID, 'paste a bearer token (a JWT)');
      let principal;
      try {
        principal = await options.authenticate(`Bearer ${token}`);
      } catch (error) {
        if (!(error instanceof AuthenticationError)) throw error;
        return refuse(error.code, error.message);
      }
      const session = sessions.create(token, principal);
      // A session id from before sign-in is never reused (session fixation).
      const old = readCookie(request.headers.cookie, SESSION_COOKIE);
      if (old) sessions.end(old);
      return reply
        .code(303)
        .header('set-cookie', [
          sessionCookie(SESSION_COOKIE, session.id, {
            maxAgeSeconds: (session.expiresAt - Date.now()) / 1000,
            secure,
          }),
          sessionCookie(LOGIN_CSRF_COOKIE, '', { maxAgeSeconds: 0, secure, path: '/console/login' }),
        ])
        .header('location', NEXT_PAGES[next]!)
        .send();
    });
  });

  app.get('/console/api/session', async (request, reply) => {
    const session = sessions.get(readCookie(request.headers.cookie, SESSION_COOKIE));
    if (!session) return sessionRequired(reply);
    const view: ConsoleSessionView = {
      sub: session.principal.sub,
      roles: session.principal.roles,
      csrf: session.csrf,
      expiresAt: new Date(session.expiresAt).toISOString(),
      can: capabilitiesOf(session.principal),
    };
    return reply.header('cache-control', 'no-store').send(view);
  });

  app.post('/console/api/logout', async (request, reply) => {
    const id = readCookie(request.headers.cookie, SESSION_COOKIE);
    const session = sessions.get(id);
    if (!session) return sessionRequired(reply);
    if (!sameToken(request.headers[CSRF_HEADER], session.csrf)) {
      const code = ErrorCode.CSRF_INVALID;
      return reply.code(httpStatusOf(code)).send({ error: { code, message: messageOf(code) } });
    }
    sessions.end(session.id);
    // Signed in through the provider: the browser goes on to its end_session_endpoint (RP-initiated logout).
    const logoutUrl = options.sso && session.provider ? await options.sso.logoutUrl(session, request) : null;
    return reply
      .header('set-cookie', sessionCookie(SESSION_COOKIE, '', { maxAgeSeconds: 0, secure }))
      .send({ signedOut: true, ...(logoutUrl && { logoutUrl }) });
  });
}

export function sessionRequired(reply: FastifyReply): FastifyReply {
  const code = ErrorCode.CONSOLE_SESSION_REQUIRED;
  return reply.code(httpStatusOf(code)).send({ error: { code, message: messageOf(code) } });
}

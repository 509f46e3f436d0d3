import type { FastifyInstance } from 'fastify';
import { ErrorCode, httpStatusOf, messageOf } from '../../common/errors.js';
import { readCookie } from './cookies.js';
import { SAFE_METHODS, sameToken } from '../../http/csrf.js';
import type { SessionStore } from './session-store.js';
import type { ConsoleSso } from './sso-routes.js';
import { CSRF_HEADER, SESSION_COOKIE } from './types.js';

/**
 * The console's session, on every route of the gateway: a request that carries the session
 * cookie and the session's CSRF header, and no `Authorization` header of its own, is
 * authenticated with the session's bearer token. So /graphql, /catalog and /admin/* verify
 * and authorize the console's requests exactly as anyone's (the token is verified again each
 * time, and expires), and the console adds no second set of rules.
 *
 * Cookies are ambient authority: a cookie without the CSRF header authenticates nothing, and a
 * state-changing request with the cookie and without the header (a cross-site form, were
 * SameSite=Strict ever bypassed) is refused 403 CSRF_INVALID. The sign-in form has its own
 * CSRF check (login-routes.ts).
 *
 * A single sign-on session's access token is renewed here with its refresh token shortly
 * before it expires (sso-routes.ts), server-side: the refresh token never leaves the gateway.
 */
export function useSessionBearer(app: FastifyInstance, sessions: SessionStore, sso: ConsoleSso | null): void {
  app.addHook('onRequest', async (request, reply) => {
    if (request.headers.authorization !== undefined) return undefined;
    let session = sessions.get(readCookie(request.headers.cookie, SESSION_COOKIE));
    if (!session) return undefined;
    if (sameToken(request.headers[CSRF_HEADER], session.csrf)) {
      if (sso) session = await sso.renew(session);
      if (!session) return undefined;
      request.headers.authorization = `Bearer ${session.token}`;
      return undefined;
    }
    const path = request.url.split('?')[0];
    if (SAFE_METHODS.has(request.method) || path === '/console/login') return undefined;
    const code = ErrorCode.CSRF_INVALID;
    const error = { code, message: messageOf(code) };
    return reply
      .code(httpStatusOf(code))
      .send(path === '/graphql' ? { errors: [{ message: error.message, extensions: { code } }] } : { error });
  });
}

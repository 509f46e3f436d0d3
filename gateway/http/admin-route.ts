import type { FastifyInstance, FastifyRequest, RouteGenericInterface } from 'fastify';
import { routePrincipal } from '../auth/route-principal.js';
import { hasAnyRole } from '../auth/roles.js';
import type { Authenticate } from '../auth/types.js';
import { ErrorCode, type HttpErrorCode } from '../common/errors.js';
import type { Principal } from '../common/types.js';
import { refusal, type AdminAnswer } from './admin-answer.js';
import { preflighted, SAFE_METHODS } from './csrf.js';

export type AdminMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/**
 * Who may call an admin route: a principal with any of `roles` (else 403 `forbidden`, a code
 * each surface keeps as its own), or `'any'` principal, anonymous included, when the handler
 * authorizes by itself (access requests are reviewed by the approvers a contract names).
 */
export type AdminAccess =
  { readonly roles: readonly string[]; readonly forbidden: HttpErrorCode } | { readonly roles: 'any' };

export type AdminRoute<R extends RouteGenericInterface = RouteGenericInterface> = AdminAccess & {
  readonly method: AdminMethod;
  readonly url: string;
  /** Refuse an anonymous principal with this code before the role check (the console: sign in). */
  readonly anonymous?: HttpErrorCode;
  /** The code a state-changing request without the CSRF defence is refused with; default PREFLIGHT_REQUIRED. */
  readonly csrf?: HttpErrorCode;
  /** Runs once the request passed every check; a throw is the gateway's error handler's. */
  readonly handle: AdminHandler<R>;
};

/** An admin function: the request (its params, query and body as the route reads them) and who sent it. */
export type AdminHandler<R extends RouteGenericInterface = RouteGenericInterface> = (
  request: FastifyRequest<R>,
  principal: Principal,
) => AdminAnswer | Promise<AdminAnswer>;

/**
 * Registers one of the gateway's own JSON routes, in the order every such route checks:
 *
 * 1. CSRF (http/csrf.ts), for a method other than GET/HEAD/OPTIONS: refused before any work.
 * 2. Authentication exactly as /graphql does (auth/route-principal.ts): a bad or expired token
 *    is a 401 with its code and `www-authenticate: Bearer`; no token is the anonymous principal.
 * 3. Authorization by role: 403 with the route's code, naming the roles and the principal.
 * 4. The handler's `AdminAnswer`, sent with `cache-control: no-store` (it is per principal).
 */
export function adminRoute<R extends RouteGenericInterface = RouteGenericInterface>(
  app: FastifyInstance,
  authenticate: Authenticate,
  route: AdminRoute<R>,
): void {
  const changesState = !SAFE_METHODS.has(route.method);
  app.route({
    method: route.method,
    url: route.url,
    handler: async (request, reply) => {
      const send = ({ status, body }: AdminAnswer) =>
        reply.code(status).header('cache-control', 'no-store').send(body);
      if (changesState && !preflighted(request.headers))
        return send(
          refusal(
            route.csrf ?? ErrorCode.PREFLIGHT_REQUIRED,
            `${route.method} ${route.url} changes state: send content-type application/json or the apollo-require-preflight header (CSRF)`,
          ),
        );
      const principal = await routePrincipal(authenticate, request, reply);
      if (!principal) return reply;
      if (route.anonymous !== undefined && principal.anonymous) return send(refusal(route.anonymous));
      if (route.roles !== 'any' && !hasAnyRole(principal, route.roles))
        return send(
          refusal(
            route.forbidden,
            `${route.method} ${route.url} needs role ${route.roles.join(' or ')}; ${principal.sub} has none`,
          ),
        );
      // Fastify parsed params, query and body untyped (no schema): R is the route's own reading of them.
      return send(await route.handle(request as FastifyRequest<R>, principal));
    },
  });
}

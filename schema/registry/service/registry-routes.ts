import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { routePrincipal } from '../../../gateway/auth/route-principal.js';
import type { Authenticate } from '../../../gateway/auth/types.js';
import { preflighted } from '../../../gateway/http/csrf.js';
import { refusal, type AdminAnswer } from '../../../gateway/http/admin-answer.js';
import { ErrorCode } from '../../../gateway/common/errors.js';
import type { Principal } from '../../../gateway/common/types.js';
import type { RegistryService } from './registry-service.js';

/** Where the registry's HTTP API lives, on its own server and on a gateway that mounts it. */
export const REGISTRY_API = '/registry/v1';

type Params = { Params: { name: string } };
type AuditQuery = { Querystring: { product?: string; limit?: string } };

/**
 * The registry's JSON API (one implementation for `meshgate registry serve` and a gateway
 * with REGISTRY_ROUTES=on):
 *
 *   GET  /registry/v1/products                  what is in service
 *   GET  /registry/v1/supergraph                the supergraph in service and its descriptors
 *   GET  /registry/v1/products/:name/history    every version of one product
 *   POST /registry/v1/products/:name/check      { sdl, contract, url? }: a dry run of publish
 *   POST /registry/v1/products/:name/publish    { sdl, contract, url? }
 *   POST /registry/v1/products/:name/rollback   {}
 *   GET  /registry/v1/audit?product=&limit=     the audit log, newest first
 *
 * Every route wants a bearer token, verified exactly as /graphql verifies one: none is 401
 * UNAUTHENTICATED, a bad or expired one 401 TOKEN_INVALID. A POST must not be a CORS simple
 * request (PREFLIGHT_REQUIRED). Every refusal is `{ error: { code, message } }`.
 */
export function registerRegistryRoutes(
  app: FastifyInstance,
  authenticate: Authenticate,
  service: RegistryService,
): void {
  const route = <R extends Params | AuditQuery | object>(
    method: 'GET' | 'POST',
    url: string,
    handle: (request: FastifyRequest<R & object>, principal: Principal) => Promise<AdminAnswer>,
  ) =>
    app.route({
      method,
      url: `${REGISTRY_API}${url}`,
      handler: async (request: FastifyRequest, reply: FastifyReply) => {
        const send = ({ status, body }: AdminAnswer) =>
          reply.code(status).header('cache-control', 'no-store').send(body);
        if (method === 'POST' && !preflighted(request.headers))
          return send(
            refusal(
              ErrorCode.PREFLIGHT_REQUIRED,
              `POST ${request.url} changes the registry: send content-type application/json (CSRF)`,
            ),
          );
        const principal = await routePrincipal(authenticate, request, reply);
        if (!principal) return reply;
        if (principal.anonymous) {
          void reply.header('www-authenticate', 'Bearer');
          return send(
            refusal(
              ErrorCode.UNAUTHENTICATED,
              "the registry needs a bearer token: `meshgate token`, or your CI's",
            ),
          );
        }
        return send(await handle(request as FastifyRequest<R & object>, principal));
      },
    });

  route('GET', '/products', () => service.list());
  route('GET', '/supergraph', () => service.supergraph());
  route<Params>('GET', '/products/:name/history', (request) => service.history(request.params.name));
  route<Params>('POST', '/products/:name/check', (request, principal) =>
    service.check(principal, request.params.name, request.body),
  );
  route<Params>('POST', '/products/:name/publish', (request, principal) =>
    service.publish(principal, request.params.name, request.body),
  );
  route<Params>('POST', '/products/:name/rollback', (request, principal) =>
    service.rollback(principal, request.params.name),
  );
  route<AuditQuery>('GET', '/audit', (request, principal) => {
    const limit = request.query.limit === undefined ? undefined : Number.parseInt(request.query.limit, 10);
    if (limit !== undefined && !(limit > 0))
      return Promise.resolve(
        refusal(ErrorCode.REGISTRY_REQUEST_INVALID, '"limit" must be a positive number'),
      );
    return service.audit(principal, { product: request.query.product, limit });
  });
}

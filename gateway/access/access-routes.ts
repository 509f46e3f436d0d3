import type { FastifyInstance, RouteGenericInterface } from 'fastify';
import type { Authenticate } from '../auth/types.js';
import { ErrorCode } from '../common/errors.js';
import { answer, refusal, type AdminAnswer } from '../http/admin-answer.js';
import { adminRoute, type AdminHandler, type AdminMethod } from '../http/admin-route.js';
import { AccessError, type AccessService } from './access-service.js';

export interface AccessRouteOptions {
  /** The function /graphql authenticates with. */
  readonly authenticate: Authenticate;
  readonly service: () => AccessService;
}

/**
 * The console's side of access requests, authenticated as /graphql is (http/admin-route.ts):
 *
 *   POST /admin/access-requests              { product, fields, purpose, duration, group? }
 *   GET  /admin/access-requests[?all=true]   the requests the principal reviews or made
 *   POST /admin/access-requests/:id/approve  { note? }
 *   POST /admin/access-requests/:id/deny     { reason }
 *   GET  /admin/access-requests/audit        the audit log (approvers, admins, data stewards)
 *
 * Any principal may call them: the service decides (an approver named in the product's
 * contract reviews its requests). A state-changing request without the CSRF defence
 * (http/csrf.ts) is refused 415 UNSUPPORTED_MEDIA_TYPE, as these routes always answered a form.
 */
export function registerAccessRoutes(
  app: FastifyInstance,
  { authenticate, service }: AccessRouteOptions,
): void {
  const route = <R extends RouteGenericInterface>(
    method: AdminMethod,
    url: string,
    handle: AdminHandler<R>,
  ) =>
    adminRoute<R>(app, authenticate, {
      method,
      url,
      roles: 'any',
      csrf: ErrorCode.UNSUPPORTED_MEDIA_TYPE,
      handle: async (request, principal) => {
        try {
          return await handle(request, principal);
        } catch (error) {
          if (!(error instanceof AccessError)) throw error;
          return refusal(error.code, error.message);
        }
      },
    });

  route('POST', '/admin/access-requests', async (request, principal) =>
    answer(await service().request(principal, objectOf(request.body)), 201),
  );
  route('GET', '/admin/access-requests', async (request, principal) =>
    answer({ requests: await service().list(principal, objectOf(request.query).all === 'true') }),
  );
  route('GET', '/admin/access-requests/audit', async (_request, principal) =>
    answer({ audit: await service().auditLog(principal) }),
  );
  route<{ Params: { id: string; action: string } }>(
    'POST',
    '/admin/access-requests/:id/:action',
    async (request, principal): Promise<AdminAnswer> => {
      const { id, action } = request.params;
      const input = objectOf(request.body);
      if (action === 'approve') {
        const note = typeof input.note === 'string' ? input.note : undefined;
        return answer((await service().approve(principal, id, note)).request);
      }
      if (action === 'deny')
        return answer(
          await service().deny(principal, id, typeof input.reason === 'string' ? input.reason : ''),
        );
      return refusal(ErrorCode.ACCESS_REQUEST_NOT_FOUND, `no action ${action}`);
    },
  );
}

/** A JSON body or query string as a record; anything else as an empty one (the service names what is missing). */
function objectOf(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : {};
}

import type { FastifyInstance, FastifyReply } from 'fastify';
import { routePrincipal } from '../auth/route-principal.js';
import type { Authenticate } from '../auth/types.js';
import { ErrorCode, httpStatusOf } from '../common/errors.js';
import { AccessError, type AccessService } from './access-service.js';

/**
 * The console's side of access requests, authenticated as /graphql is (routePrincipal):
 *
 *   POST /admin/access-requests              { product, fields, purpose, duration, group? }
 *   GET  /admin/access-requests[?all=true]   the requests the principal reviews or made
 *   POST /admin/access-requests/:id/approve  { note? }
 *   POST /admin/access-requests/:id/deny     { reason }
 *   GET  /admin/access-requests/audit        the audit log (approvers, admins, data stewards)
 *
 * State-changing routes take JSON only (415 otherwise): a cross-site form cannot send it
 * without a preflight, the same CSRF defence Apollo Server's has.
 */
export function registerAccessRoutes(
  app: FastifyInstance,
  { authenticate, service }: { authenticate: Authenticate; service: () => AccessService },
): void {
  const json = (contentType: string | undefined) => /^application\/json\b/i.test(contentType ?? '');
  const refuse = (reply: FastifyReply, error: unknown) => {
    if (!(error instanceof AccessError)) throw error;
    return reply.code(httpStatusOf(error.code)).send({ error: { code: error.code, message: error.message } });
  };
  const unsupported = (reply: FastifyReply) =>
    reply.code(httpStatusOf(ErrorCode.UNSUPPORTED_MEDIA_TYPE)).send({
      error: { code: ErrorCode.UNSUPPORTED_MEDIA_TYPE, message: 'send application/json' },
    });
  const body = (value: unknown): Record<string, unknown> =>
    typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : {};

  app.post('/admin/access-requests', async (request, reply) => {
    const principal = await routePrincipal(authenticate, request, reply);
    if (!principal) return reply;
    if (!json(request.headers['content-type'])) return unsupported(reply);
    try {
      return reply.code(201).send(await service().request(principal, body(request.body)));
    } catch (error) {
      return refuse(reply, error);
    }
  });
  app.get('/admin/access-requests', async (request, reply) => {
    const principal = await routePrincipal(authenticate, request, reply);
    if (!principal) return reply;
    const all = body(request.query).all === 'true';
    return reply.send({ requests: await service().list(principal, all) });
  });
  app.get('/admin/access-requests/audit', async (request, reply) => {
    const principal = await routePrincipal(authenticate, request, reply);
    if (!principal) return reply;
    try {
      return reply.send({ audit: await service().auditLog(principal) });
    } catch (error) {
      return refuse(reply, error);
    }
  });
  app.post<{ Params: { id: string; action: string } }>(
    '/admin/access-requests/:id/:action',
    async (request, reply) => {
      const principal = await routePrincipal(authenticate, request, reply);
      if (!principal) return reply;
      if (!json(request.headers['content-type'])) return unsupported(reply);
      const { id, action } = request.params;
      const input = body(request.body);
      try {
        if (action === 'approve') {
          const note = typeof input.note === 'string' ? input.note : undefined;
          const { request: approved } = await service().approve(principal, id, note);
          return reply.send(approved);
        }
        if (action === 'deny')
          return reply.send(
            await service().deny(principal, id, typeof input.reason === 'string' ? input.reason : ''),
          );
        return reply
          .code(404)
          .send({ error: { code: ErrorCode.ACCESS_REQUEST_NOT_FOUND, message: `no action ${action}` } });
      } catch (error) {
        return refuse(reply, error);
      }
    },
  );
}

import type { KeyObject } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import {
  CONTEXT_TOKEN_HEADER,
  createContextTokenVerifier,
} from '../../gateway/subgraph-fetch/context-token.js';
import { ErrorCode, httpStatusOf } from '../../gateway/common/errors.js';

/**
 * No bypass: a data product answers GraphQL only to the gateway. Every request to `path`
 * (queries, `_entities`, `_service` alike) must carry the gateway's short-lived context token
 * (`x-meshgate-context`, HS256, principal + request id); anything else gets 401
 * CONTEXT_TOKEN_INVALID before Apollo Server sees it. Health and readiness stay open.
 */
export function requireGatewayContext(app: FastifyInstance, path: string, key: KeyObject): void {
  const verify = createContextTokenVerifier(key);
  app.addHook('onRequest', async (request, reply) => {
    if (request.url !== path && !request.url.startsWith(`${path}?`)) return;
    const header = request.headers[CONTEXT_TOKEN_HEADER];
    if (verify(typeof header === 'string' ? header : undefined)) return;
    await reply
      .code(httpStatusOf(ErrorCode.CONTEXT_TOKEN_INVALID))
      .header('content-type', 'application/json; charset=utf-8')
      .send({
        errors: [
          {
            message:
              'This data product answers only requests through the meshgate gateway (missing or invalid context token)',
            extensions: { code: ErrorCode.CONTEXT_TOKEN_INVALID },
          },
        ],
      });
  });
}

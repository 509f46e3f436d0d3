import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Authenticate } from '../auth/types.js';
import type { GatewayContext } from './context.js';
import { requestIdFrom } from './request-id.js';

/**
 * The first stage of the request path: a request gets its id (echoed as `x-request-id`), its
 * client, and its principal — authenticate turns the bearer JWT into one (anonymous without a
 * token; a bad token is a 401 here, before anything runs). Later stages fill the rest.
 */
export function requestContext(authenticate: Authenticate) {
  return async (request: FastifyRequest, reply: FastifyReply): Promise<GatewayContext> => {
    const requestId = requestIdFrom(request.headers['x-request-id']);
    void reply.header('x-request-id', requestId);
    return {
      requestId,
      startedAt: process.hrtime.bigint(),
      client: {
        name: header(request.headers['apollographql-client-name']),
        version: header(request.headers['apollographql-client-version']),
      },
      principal: authenticate(request.headers.authorization),
      decisions: [],
      fetches: [],
    };
  };
}

function header(value: string | string[] | undefined): string | undefined {
  return typeof value === 'string' ? value.slice(0, 128) : undefined;
}

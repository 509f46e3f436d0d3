import type { FastifyReply, FastifyRequest } from 'fastify';
import { httpStatusOf } from '../common/errors.js';
import type { Principal } from '../common/types.js';
import { AuthenticationError } from './authentication-error.js';
import type { Authenticate } from './types.js';

/**
 * Authenticates a request to one of the gateway's own routes (http/admin-route.ts) as
 * /graphql does. A bad token is answered here with its code's status (401); the caller gets
 * null and stops.
 */
export async function routePrincipal(
  authenticate: Authenticate,
  request: FastifyRequest,
  reply: FastifyReply,
): Promise<Principal | null> {
  try {
    return await authenticate(request.headers.authorization);
  } catch (error) {
    if (!(error instanceof AuthenticationError)) throw error;
    await reply
      .code(httpStatusOf(error.code))
      .header('www-authenticate', 'Bearer')
      .send({ error: { code: error.code, message: error.message } });
    return null;
  }
}

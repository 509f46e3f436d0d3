import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Principal } from '../common/types.js';
import { AuthenticationError } from './authentication-error.js';
import type { Authenticate } from './types.js';

/**
 * Authenticates a request to one of the gateway's own routes (/catalog, /admin/lineage) as
 * /graphql does. A bad token is answered here with 401 and its code; the caller gets null
 * and stops.
 */
export async function routePrincipal(
  authenticate: Authenticate,
  request: FastifyRequest,
  reply: FastifyReply,
): Promise<Principal | null> {
  try {
    return authenticate(request.headers.authorization);
  } catch (error) {
    if (!(error instanceof AuthenticationError)) throw error;
    await reply
      .code(401)
      .header('www-authenticate', 'Bearer')
      .send({ error: { code: error.extensions.code, message: error.message } });
    return null;
  }
}

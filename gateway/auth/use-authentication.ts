import type { Stage } from '../pipeline/types.js';
import type { Authenticate } from './types.js';

/**
 * The authenticate stage: the bearer JWT becomes the request's principal (anonymous without a
 * token). A bad token, or none with AUTH_REQUIRED=true, refuses the request here with 401 and
 * its code, before anything else runs.
 */
export function useAuthentication(authenticate: Authenticate): Stage {
  return {
    name: 'authenticate',
    async onRequest(state, request) {
      state.principal = await authenticate(request.headers.authorization);
    },
  };
}

import type { KeyObject } from 'node:crypto';
import type { Stage } from '../pipeline/types.js';
import { CONTEXT_TOKEN_JWKS_PATH, contextTokenJwks } from '../protocol/index.js';

/**
 * The public keys of the context token, as a JSON Web Key Set at
 * `/.well-known/meshgate/keys` (docs/product-protocol.md): what a product in any stack
 * verifies the gateway's tokens with. Public by design (no authentication): a key set lets
 * nobody mint a token. Cached for five minutes; a product meeting an unknown `kid` (a rotated
 * key) fetches again.
 */
export function useContextTokenKeys(keys: readonly KeyObject[]): Stage {
  const body = JSON.stringify(contextTokenJwks(keys));
  return {
    name: 'context-token-keys',
    routes(app) {
      app.get(CONTEXT_TOKEN_JWKS_PATH, async (_request, reply) =>
        reply
          .header('content-type', 'application/jwk-set+json')
          .header('cache-control', 'public, max-age=300')
          .send(body),
      );
    },
  };
}

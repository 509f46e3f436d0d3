import type { ApolloServerPlugin } from '@apollo/server';
import { ErrorCode, MeshgateGraphQLError, httpExtension } from '../common/errors.js';
import type { GatewayContext } from '../http/context.js';

/**
 * A document with several operations and no (or an unknown) `operationName` has no operation
 * to run. Apollo Server would still call the gateway's executor, which fails with a 500; this
 * answers 400 OPERATION_RESOLUTION_FAILURE (Apollo's own code for it) instead. Found by the
 * fuzz test.
 */
export function requireOperation(): ApolloServerPlugin<GatewayContext> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ operation, request }) {
          if (operation) return;
          const name = request.operationName;
          const message = name
            ? `Unknown operation named "${name}"`
            : 'Must provide operation name if query contains multiple operations';
          // Apollo's code, not one of ours: clients already handle OPERATION_RESOLUTION_FAILURE.
          throw new MeshgateGraphQLError(ErrorCode.OPERATION_RESOLUTION_FAILURE, message, {
            http: httpExtension(ErrorCode.OPERATION_RESOLUTION_FAILURE),
          });
        },
      };
    },
  };
}

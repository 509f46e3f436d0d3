import type { ApolloServerPlugin } from '@apollo/server';
import { trace, type Attributes } from '@opentelemetry/api';
import type { GatewayContext } from '../../http/context.js';
import {
  ANONYMOUS_ATTRIBUTE,
  OPERATION_HASH_ATTRIBUTE,
  OPERATION_NAME_ATTRIBUTE,
  OPERATION_TYPE_ATTRIBUTE,
  PRODUCTS_ATTRIBUTE,
  SUBJECT_ATTRIBUTE,
  decisionCounts,
} from './attributes.js';

/**
 * Puts what the request path learnt on the request's root span (trace-requests.ts) once the
 * response is ready, so a trace can be found by it: the operation's name, type and hash, the
 * principal's subject, the policy decisions counted by effect and the data products fetched
 * from. Never the document, variables or any value: an operation's hash identifies it.
 */
export function useTracing(): ApolloServerPlugin<GatewayContext> {
  return {
    async requestDidStart() {
      const root = trace.getActiveSpan();
      if (!root?.isRecording()) return;
      return {
        async willSendResponse(rc) {
          const context: Partial<GatewayContext> = rc.contextValue;
          const attributes: Attributes = {};
          const name = rc.operation?.name?.value ?? rc.operationName;
          if (name) attributes[OPERATION_NAME_ATTRIBUTE] = name;
          if (rc.operation) attributes[OPERATION_TYPE_ATTRIBUTE] = rc.operation.operation;
          if (rc.queryHash) attributes[OPERATION_HASH_ATTRIBUTE] = rc.queryHash;
          if (context.principal) {
            attributes[SUBJECT_ATTRIBUTE] = context.principal.sub;
            attributes[ANONYMOUS_ATTRIBUTE] = context.principal.anonymous;
          }
          if (context.fetches?.length)
            attributes[PRODUCTS_ATTRIBUTE] = [...new Set(context.fetches.map((f) => f.subgraph))].sort();
          root.setAttributes({ ...attributes, ...decisionCounts(context.decisions ?? []) });
        },
      };
    },
  };
}

import { trace, type Attributes } from '@opentelemetry/api';
import { traceRequests } from '../../protocol/trace-requests.js';
import type { Stage } from '../../pipeline/types.js';
import {
  ANONYMOUS_ATTRIBUTE,
  OPERATION_HASH_ATTRIBUTE,
  OPERATION_NAME_ATTRIBUTE,
  OPERATION_TYPE_ATTRIBUTE,
  PRODUCTS_ATTRIBUTE,
  SUBJECT_ATTRIBUTE,
  decisionCounts,
} from './attributes.js';
import type { Tracing } from './types.js';

/**
 * The tracing stage (OTEL_* set; without it, a stage that does nothing): a SERVER span per
 * /graphql request continuing a client's traceparent, and, once the response is ready, what
 * the request path learnt on that span, so a trace can be found by it: the operation's name,
 * type and hash, the principal's subject, the policy decisions counted by effect and the data
 * products fetched from. Never the document, variables or any value: an operation's hash
 * identifies it. The tracer provider itself is the gateway's first resource and its last to
 * close (server.ts), so the spans of the requests just answered are flushed.
 */
export function useTracing(tracing: Tracing | null): Stage {
  if (!tracing) return { name: 'tracing' };
  return {
    name: 'tracing',
    routes(app) {
      traceRequests(app, '/graphql');
    },
    onResponse(state, answer) {
      // A request refused before GraphQL had it (401, malformed) has only its HTTP span.
      const root = answer.response && trace.getActiveSpan();
      if (!root?.isRecording()) return;
      const attributes: Attributes = {};
      const { operation } = answer;
      const name = operation?.name ?? answer.operationName;
      if (name) attributes[OPERATION_NAME_ATTRIBUTE] = name;
      if (operation) attributes[OPERATION_TYPE_ATTRIBUTE] = operation.type;
      if (answer.queryHash) attributes[OPERATION_HASH_ATTRIBUTE] = answer.queryHash;
      attributes[SUBJECT_ATTRIBUTE] = state.principal.sub;
      attributes[ANONYMOUS_ATTRIBUTE] = state.principal.anonymous;
      if (state.fetches.length)
        attributes[PRODUCTS_ATTRIBUTE] = [...new Set(state.fetches.map((f) => f.subgraph))].sort();
      root.setAttributes({ ...attributes, ...decisionCounts(state.decisions) });
    },
  };
}

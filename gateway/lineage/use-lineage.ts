import { createHash } from 'node:crypto';
import { getOperationAST } from 'graphql';
import type { ApolloServerPlugin, GraphQLRequestContextWillSendResponse } from '@apollo/server';
import { ANONYMOUS, type GatewayContext } from '../http/context.js';
import { memoByObject } from '../common/memo-by-object.js';
import { analyseOperation } from '../operation/operation-analysis.js';
import { outcomeOfRefusal, outcomeOfResponse } from '../http/request-outcome.js';
import { lineageEvent } from './event.js';
import { inSpan } from '../observability/tracing/in-span.js';
import { fieldsRead } from './fields-read.js';
import { supergraphModel, type Ownership } from '../supergraph/supergraph-model.js';
import type { LineageRecorder } from './recorder.js';
import type { FieldRead, LineageEvent } from './types.js';

export interface UseLineageOptions {
  /** Where events go: the recorder queues them and writes them off the request path. */
  recorder: LineageRecorder;
  /** Respond only once the event is persisted (stored, or fsynced in the spool). Default false. */
  strict?: boolean;
  /** Flush and close the recorder when the server stops (graceful shutdown). Default true. */
  closeOnStop?: boolean;
}

/**
 * Records one lineage event per operation, rejected ones included: `willSendResponse` sees
 * every operation that reached the request pipeline (parse and validation failures too),
 * `contextCreationDidFail` the ones authentication refused (401) and
 * `invalidRequestWasReceived` malformed HTTP requests. Field ownership comes from the
 * supergraph, rebuilt on each `schemaDidLoadOrUpdate`.
 */
export function useLineage({
  recorder,
  strict = false,
  closeOnStop = true,
}: UseLineageOptions): ApolloServerPlugin<GatewayContext> {
  let ownership: Ownership | null = null;
  const record = (event: LineageEvent) =>
    strict ? recorder.recordConfirmed(event) : (recorder.record(event), undefined);
  const refused = (error: Error) => record(refusedEvent(error));

  return {
    async serverWillStart() {
      return {
        schemaDidLoadOrUpdate({ coreSupergraphSdl }) {
          if (coreSupergraphSdl) ownership = supergraphModel(coreSupergraphSdl).ownership;
        },
        async serverWillStop() {
          if (closeOnStop) await recorder.close();
        },
      };
    },
    async contextCreationDidFail({ error }) {
      await refused(error);
    },
    async invalidRequestWasReceived({ error }) {
      await refused(error);
    },
    async requestDidStart() {
      return {
        async willSendResponse(requestContext) {
          // A deferred part of a split @defer operation: its initial part records the whole.
          if (requestContext.contextValue.deferPart?.role === 'deferred') return;
          await inSpan('meshgate.lineage.enqueue', { 'meshgate.strict': strict }, () =>
            record(eventOf(requestContext, ownership)),
          );
        },
      };
    },
  };
}

function eventOf(
  rc: GraphQLRequestContextWillSendResponse<GatewayContext>,
  ownership: Ownership | null,
): LineageEvent {
  const { contextValue: context, schema } = rc;
  // The initial part of a split @defer operation records the whole operation (defer/).
  const whole = context.deferPart?.operation;
  const document = whole ?? rc.document;
  const operation = whole ? getOperationAST(whole) : rc.operation;
  const hash = rc.queryHash ?? (rc.source ? createHash('sha256').update(rc.source).digest('hex') : null);
  // The operation's analysis, kept on the document: the one the policy stage decided on (made
  // here when policies are off). Lineage adds only who owns each field.
  const reads: readonly FieldRead[] =
    document && operation && ownership
      ? fieldsRead(analyseOperation(schema, document, operation), ownership)
      : [];
  const name = operation?.name?.value ?? rc.operationName ?? null;
  const type = operation?.operation ?? null;
  return lineageEvent({
    // Before the context exists (a request refused early) there is no pipeline state to read.
    context: 'requestId' in context ? context : emptyContext(),
    operation: reads.length > 0 ? sharedOperation(reads, name, type, hash) : { name, type, hash },
    reads,
    response: outcomeOfResponse(rc.response),
  });
}

/**
 * Reads are kept per operation (with its analysis), so the events of one operation share one
 * operation object too: the wire form serializes it once (wire.ts).
 */
const sharedOperation = memoByObject(
  (
    _reads: readonly FieldRead[],
    name: string | null,
    type: string | null,
    hash: string | null,
  ): LineageEvent['operation'] => Object.freeze({ name, type, hash }),
);

function refusedEvent(error: Error): LineageEvent {
  return lineageEvent({
    context: emptyContext(),
    operation: { name: null, type: null, hash: null },
    reads: [],
    response: outcomeOfRefusal(error),
  });
}

function emptyContext(): Pick<
  GatewayContext,
  'requestId' | 'startedAt' | 'client' | 'principal' | 'decisions' | 'fetches'
> {
  return {
    requestId: 'unknown',
    startedAt: process.hrtime.bigint(),
    client: { name: undefined, version: undefined },
    principal: ANONYMOUS,
    decisions: [],
    fetches: [],
  };
}

import type { Authenticate } from '../auth/types.js';
import { memoByObject } from '../common/memo-by-object.js';
import type { Answer, Stage } from '../pipeline/types.js';
import type { RequestState } from '../pipeline/request-state.js';
import type { Ownership } from '../supergraph/supergraph-model.js';
import { inSpan } from '../observability/tracing/in-span.js';
import { registerLineageRoutes } from './admin.js';
import { lineageEvent } from './event.js';
import { fieldsRead } from './fields-read.js';
import type { LineageRecorder } from './recorder.js';
import type { FieldRead, LineageEvent, LineageStore } from './types.js';

export interface UseLineageOptions {
  /**
   * The recorder, which queues events and writes them off the request path, and the store it
   * writes to (read by GET /admin/lineage); null with MESHGATE_LINEAGE=off: a stage that does
   * nothing.
   */
  readonly lineage: { readonly recorder: LineageRecorder; readonly store: LineageStore } | null;
  /** For GET /admin/lineage, authenticated as /graphql is; no route without it. */
  readonly authenticate?: Authenticate | undefined;
  /** Respond only once the event is persisted (stored, or fsynced in the spool). Default false. */
  readonly strict?: boolean | undefined;
}

/**
 * The lineage stage: one event per operation, rejected ones included (a request refused before
 * GraphQL had it too: 401, malformed). Field ownership comes from the supergraph in service.
 * The recorder belongs to whoever opened it (server.ts closes it, flushing the queue).
 */
export function useLineage({ lineage, authenticate, strict = false }: UseLineageOptions): Stage {
  if (!lineage) return { name: 'lineage' };
  const { recorder, store } = lineage;
  let ownership: Ownership | null = null;
  return {
    name: 'lineage',
    ...(authenticate && {
      routes: (app) => registerLineageRoutes(app, { authenticate, store }),
    }),
    onSchemaChange(model) {
      ownership = model.ownership;
    },
    async onResponse(state, answer) {
      // A deferred part of a split @defer operation: its initial part records the whole.
      if (state.deferPart?.role === 'deferred') return;
      const event = eventOf(state, answer, ownership);
      await inSpan('meshgate.lineage.enqueue', { 'meshgate.strict': strict }, () =>
        strict ? recorder.recordConfirmed(event) : recorder.record(event),
      );
    },
  };
}

function eventOf(state: RequestState, answer: Answer, ownership: Ownership | null): LineageEvent {
  const { recorded } = answer;
  // The analysis the runner made once (and the policy stage decided on); lineage adds only
  // who owns each field.
  const reads: readonly FieldRead[] = recorded && ownership ? fieldsRead(recorded.analysis, ownership) : [];
  const name = recorded?.name ?? answer.operationName;
  const type = recorded?.type ?? null;
  return lineageEvent({
    context: state,
    operation:
      reads.length > 0
        ? sharedOperation(reads, name, type, answer.queryHash)
        : { name, type, hash: answer.queryHash },
    reads,
    response: answer.outcome,
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

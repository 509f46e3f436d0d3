import { randomUUID } from 'node:crypto';
import type { RequestState } from '../pipeline/request-state.js';
import type { RequestOutcome } from '../http/request-outcome.js';
import type { FieldDecision, Principal, SubgraphFetch } from '../common/types.js';
import { memoByObject } from '../common/memo-by-object.js';
import { activeTraceId } from '../observability/tracing/trace-ids.js';
import type { FieldRead, LineageDecision, LineageEvent, LineageField } from './types.js';

export interface EventInput {
  /** The request's state (pipeline/request-state.ts), or what a test or the benchmark makes of one. */
  readonly context: Pick<
    RequestState,
    'requestId' | 'startedAt' | 'client' | 'principal' | 'decisions' | 'fetches'
  > &
    Partial<Pick<RequestState, 'rowFilters' | 'origin'>>;
  readonly operation: LineageEvent['operation'];
  readonly reads: readonly FieldRead[];
  /** How the request ended (http/request-outcome.ts): the metrics read the same object. */
  readonly response: RequestOutcome;
}

/** The lineage event of one operation. Runs on the request path: no I/O, no awaits. */
export function lineageEvent({ context, operation, reads, response }: EventInput): LineageEvent {
  return {
    id: randomUUID(),
    time: new Date().toISOString(),
    requestId: context.requestId,
    // The request's trace (OpenTelemetry on): an event links to its spans.
    ...traceIdField(),
    principal: principalOf(context.principal),
    client: { name: context.client.name ?? null, version: context.client.version ?? null },
    // An agent's read (an MCP tool call): which tool, so governance tells it from a person's.
    ...(context.origin && { origin: { kind: context.origin.kind, tool: context.origin.tool } }),
    operation,
    fields: fieldsOf(reads, context.decisions),
    // The rows were filtered: which rules, on which types (the predicates' values stay out).
    ...(context.rowFilters?.applied.length && { rowFilters: context.rowFilters.applied }),
    products: productsOf(reads, context.fetches),
    fetches: context.fetches.map((f) => ({
      subgraph: f.subgraph,
      durationMs: round(f.durationMs),
      entityCount: f.entityCount,
      ok: f.ok,
      // The entity cache served these reads (entities, or 1 root-field answer): still reads, marked.
      ...('cacheHits' in f && typeof f.cacheHits === 'number' && { cacheHits: f.cacheHits }),
    })),
    outcome: response.outcome,
    errorCodes: response.errorCodes,
    durationMs: round(Number(process.hrtime.bigint() - context.startedAt) / 1e6),
  };
}

function traceIdField(): { traceId?: string } {
  const traceId = activeTraceId();
  return traceId ? { traceId } : {};
}

/** Principals come from the token cache (one object per token): their event form is built once. */
const principalOf = memoByObject(({ sub, anonymous, roles }: Principal): LineageEvent['principal'] =>
  Object.freeze({ sub, anonymous, roles: Object.freeze([...roles]) }),
);

/** The products an operation's reads touch, sorted; shared by its events (reads are cached). */
const readProducts = memoByObject((reads: readonly FieldRead[]): readonly string[] =>
  Object.freeze([...new Set(reads.map((r) => r.product))].sort()),
);

/** What the reads touch, plus any subgraph a fetch went to for keys only. */
function productsOf(reads: readonly FieldRead[], fetches: readonly SubgraphFetch[]): readonly string[] {
  const products = readProducts(reads);
  if (fetches.every((f) => products.includes(f.subgraph))) return products;
  return [...new Set([...products, ...fetches.map((f) => f.subgraph)])].sort();
}

/**
 * The fields of every event of one operation × decisions, built once: reads are cached per
 * operation and decisions per operation × principal, so both arrays are shared by their
 * requests. One array per pair keeps events small in memory and lets the wire form find
 * their shape with a lookup (see shape.ts).
 */
const fieldsCache = new WeakMap<
  readonly FieldRead[],
  WeakMap<readonly FieldDecision[], readonly LineageField[]>
>();

function fieldsOf(reads: readonly FieldRead[], decisions: readonly FieldDecision[]): readonly LineageField[] {
  let byDecisions = fieldsCache.get(reads);
  if (!byDecisions) fieldsCache.set(reads, (byDecisions = new WeakMap()));
  let fields = byDecisions.get(decisions);
  if (!fields) {
    const decided = decisionIndex(decisions);
    fields = Object.freeze(
      reads.map((r) => ({
        path: r.path,
        coordinate: r.coordinate,
        product: r.product,
        type: r.type,
        decision: decided.get(r.coordinate) ?? ALLOWED,
      })),
    );
    byDecisions.set(decisions, fields);
  }
  return fields;
}

/** A coordinate the policy layer did not decide on was allowed (no policy applied). */
const ALLOWED: LineageDecision = Object.freeze({ effect: 'allow', rule: null });

function decisionIndex(decisions: readonly FieldDecision[]): Map<string, LineageDecision> {
  const index = new Map<string, LineageDecision>();
  for (const d of decisions) {
    index.set(
      d.coordinate,
      d.effect === 'mask'
        ? { effect: 'mask', strategy: d.strategy, rule: d.rule }
        : d.effect === 'deny'
          ? { effect: 'deny', rule: d.rule }
          : { effect: 'allow', rule: d.rule },
    );
  }
  return index;
}

function round(ms: number): number {
  return Math.round(ms * 1000) / 1000;
}

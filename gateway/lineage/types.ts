import type { AppliedRowFilter } from '../protocol/index.js';
import type { MaskStrategy, Outcome, SubgraphFetch } from '../common/types.js';

/**
 * The lineage module's public contracts: what one operation's lineage event holds, where it
 * is stored, and how it is read back. Implementations live beside this file.
 */

/** The policy decision recorded per field; a coordinate without a decision was allowed. */
export type LineageDecision =
  | { readonly effect: 'allow'; readonly rule: string | null }
  | { readonly effect: 'mask'; readonly strategy: MaskStrategy; readonly rule: string }
  | { readonly effect: 'deny'; readonly rule: string };

/** One field selection the operation reads, derived from the document (never from values). */
export interface FieldRead {
  /** Response path with aliases and without list indices: `order.customer.email`. */
  readonly path: string;
  /** Schema coordinate: `Customer.email`. */
  readonly coordinate: string;
  /** The data product (subgraph) that serves it, from the supergraph's `@join__*` directives. */
  readonly product: string;
  /** Its GraphQL type, e.g. `String!` (the OpenLineage schema facet's field type). */
  readonly type: string;
}

/** The entry point an agent's read came through, and the MCP tool that made it. */
export interface LineageOrigin {
  readonly kind: 'mcp';
  readonly tool: string;
}

export interface LineageField extends FieldRead {
  readonly decision: LineageDecision;
}

export interface LineageEvent {
  /** A UUID: the idempotency key in every store and the OpenLineage runId. */
  readonly id: string;
  /** ISO 8601, when the response was sent. */
  readonly time: string;
  readonly requestId: string;
  /** The W3C trace id of the request's trace, when OpenTelemetry traced it (observability/tracing/). */
  readonly traceId?: string;
  readonly principal: {
    readonly sub: string;
    readonly anonymous: boolean;
    readonly roles: readonly string[];
  };
  readonly client: { readonly name: string | null; readonly version: string | null };
  /**
   * Set when the operation did not come to /graphql: an MCP tool call (`client.name` is then
   * `mcp:<client>/<version>` from the MCP initialize handshake). Absent for /graphql.
   */
  readonly origin?: LineageOrigin;
  /** The hash is sha256 of the document text; variable values are never recorded. */
  readonly operation: {
    readonly name: string | null;
    readonly type: string | null;
    readonly hash: string | null;
  };
  readonly fields: readonly LineageField[];
  /** The row filters the products applied (rule and type per filter); absent when none did. */
  readonly rowFilters?: readonly AppliedRowFilter[];
  /** Distinct data products the operation read or fetched from, sorted. */
  readonly products: readonly string[];
  readonly fetches: readonly SubgraphFetch[];
  readonly outcome: Outcome;
  /** `extensions.code` of each error in the response, in order. */
  readonly errorCodes: readonly string[];
  readonly durationMs: number;
}

/** The read side's filters: the CLI's flags and the admin endpoint's query parameters. */
export interface LineageFilter {
  /** Epoch milliseconds, inclusive. */
  readonly since: number;
  readonly until?: number | undefined;
  readonly product?: string | undefined;
  readonly principal?: string | undefined;
  readonly field?: string | undefined;
  /** At most this many events, the newest ones. */
  readonly limit: number;
}

/**
 * What an event read: its fields, with their decisions, and its products. Every run of one
 * operation by callers with the same decisions reads the same, so the wire form (spool and
 * Redis) stores a shape once and events refer to it by id, a hash of its content.
 */
export interface Shape {
  readonly id: string;
  readonly fields: readonly LineageField[];
  readonly products: readonly string[];
  /** `{"fields":[…],"products":[…]}`: what the id hashes, and what the stores keep. */
  readonly json: string;
  /** Distinct field coordinates: the field index's keys. */
  readonly coordinates: readonly string[];
}

/** An event and its wire form, serialized once for the spool and the store. */
export interface SerializedEvent {
  readonly event: LineageEvent;
  readonly shape: Shape;
  /** The event's JSON with its fields and products replaced by `"shape": <shape id>`. */
  readonly json: string;
}

export interface WriteResult {
  readonly stored: number;
  /** Events whose id the store already held (a replay after a crash mid-flush). */
  readonly duplicates: number;
}

/** Where events are persisted. `write` is idempotent per event id and resolves once stored. */
export interface LineageStore {
  readonly kind: 'redis' | 'memory';
  /** Whether events must pass through the spool first (a store that can fail). */
  readonly durable: boolean;
  write(batch: readonly SerializedEvent[]): Promise<WriteResult>;
  /** Matching events in time order, the newest `filter.limit` of them. */
  query(filter: LineageFilter): Promise<LineageEvent[]>;
  close(): Promise<void>;
}

/** Counters a recorder keeps; the fault tests and the benchmark read them. */
export interface RecorderStats {
  recorded: number;
  stored: number;
  duplicates: number;
  /** Events appended to the spool file. */
  spooled: number;
  /** Spool lines that could not be read back, reported and skipped. */
  corrupt: number;
  queued: number;
  /** True while the store is failing and events wait in the spool. */
  degraded: boolean;
}

/** One row of the consumers report of a data product. */
export interface Consumer {
  readonly principal: string;
  readonly fields: readonly string[];
  readonly count: number;
  readonly lastSeen: string;
}

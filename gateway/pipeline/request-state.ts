import type { DocumentNode } from 'graphql';
import type { AppliedRowFilters } from '../policy/types.js';
import type { ClientInfo, FieldDecision, Principal, SubgraphFetch } from '../common/types.js';
import { ANONYMOUS } from '../auth/anonymous.js';
import type { ResolvedOperation } from './types.js';

/** A part of an operation the @defer stage split (defer/): one operation to lineage and the rate limit. */
export interface DeferPart {
  readonly role: 'initial' | 'deferred';
  /** The whole operation (`@defer` removed): what the initial part records. */
  readonly operation: DocumentNode;
}

/**
 * Where a request came from when it did not come over HTTP to /graphql: an entry point of its
 * own that runs operations through the pipeline (mcp/). Lineage records it, so governance can
 * tell what an agent read from what a person read.
 */
export interface RequestOrigin {
  readonly kind: 'mcp';
  /** The MCP client as the initialize handshake named it: the request's ClientInfo. */
  readonly client: ClientInfo;
  /** The MCP tool whose call ran the operation. */
  readonly tool: string;
}

/** Row filters as the authorize stage worked them out: once per request, read by the fetches and lineage. */
const NO_ROW_FILTERS: AppliedRowFilters = Object.freeze({
  claims: Object.freeze({}),
  applied: Object.freeze([]),
  fingerprint: '',
});

/**
 * The one typed state of a request through the pipeline, created once by the runner
 * (stage-runner.ts). Each field says which stage sets it; a stage reads only what an earlier
 * stage set. A class, so the subgraph data source tells a client request's state from the
 * gateway's own fetches (health checks, `_service`) by `instanceof`, never by duck typing.
 */
export class RequestState {
  /** Set by the runner once GraphQL resolved the operation, with its analysis. */
  operation: ResolvedOperation | null = null;
  /** Set by authenticate; anonymous until then. */
  principal: Principal = ANONYMOUS;
  /** Set by authorize: one decision per coordinate read (the cached array of operation × principal). */
  decisions: readonly FieldDecision[] = [];
  /** Set by authorize: the filters the context token carries to the products, worked out once. */
  rowFilters: AppliedRowFilters = NO_ROW_FILTERS;
  /** Appended by the subgraph data source as the plan runs. */
  readonly fetches: SubgraphFetch[] = [];

  constructor(
    /** Correlates log lines, subgraph fetches and the lineage record. */
    readonly requestId: string,
    readonly client: ClientInfo,
    /** Set by the @defer stage on each part of an operation it split. */
    readonly deferPart: DeferPart | null = null,
    /** Set by an entry point other than /graphql (mcp/); null for /graphql itself. */
    readonly origin: RequestOrigin | null = null,
    /** `process.hrtime.bigint()` on arrival, for durations. */
    readonly startedAt: bigint = process.hrtime.bigint(),
  ) {}

  /** A request refused before its state existed (a malformed request): reported all the same. */
  static refused(): RequestState {
    return new RequestState('unknown', { name: undefined, version: undefined });
  }
}

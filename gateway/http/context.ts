import type { DocumentNode } from 'graphql';
import type { AppliedRowFilter } from '../common/row-filter.js';
import type { ClientInfo, FieldDecision, Principal, SubgraphFetch } from '../common/types.js';

/**
 * The typed per-request context of the gateway pipeline. Every stage reads only what an
 * earlier stage set; nothing per-request lives in module state.
 *
 *   HTTP ─▶ authenticate ─▶ authorize ─▶ plan + execute ─▶ mask ─▶ respond ─▶ lineage
 */
export interface GatewayContext {
  /** Set on arrival. Correlates log lines, subgraph fetches and the lineage record. */
  readonly requestId: string;
  /** Set on arrival: `process.hrtime.bigint()`, for the lineage record's duration. */
  readonly startedAt: bigint;
  readonly client: ClientInfo;
  /** Set by authenticate. */
  principal: Principal;
  /**
   * Set by authorize: one decision per coordinate the operation reads. The cached array of
   * the operation × principal, shared by its requests (lineage keys its shapes on it).
   */
  decisions: readonly FieldDecision[];
  /** Set by authorize: the row filters the context token carries to the products (policy/row-filter.ts). */
  rowFilters?: readonly AppliedRowFilter[];
  /** Appended by the subgraph data source as the plan runs. */
  readonly fetches: SubgraphFetch[];
  /**
   * Set by the defer stage (defer/) on each part of an operation it split: the operation is
   * one operation to lineage and the rate limit, so only the initial part records and counts,
   * and it records the whole operation (`@defer` removed), with every part's fields.
   */
  readonly deferPart?: { readonly role: 'initial' | 'deferred'; readonly operation: DocumentNode };
}

export const ANONYMOUS: Principal = Object.freeze({
  sub: 'anonymous',
  anonymous: true,
  roles: Object.freeze([]),
  scopes: Object.freeze([]),
  attributes: Object.freeze({}),
});

import type { DocumentNode, GraphQLSchema } from 'graphql';
import type { FieldDecision, MaskStrategy, Principal } from '../common/types.js';
import type { AppliedRowFilter, RowFilterClaims } from '../protocol/index.js';

export type { FieldDecision, MaskStrategy };

export const MASK_STRATEGIES = [
  'null',
  'redact',
  'hash',
  'last4',
  'email',
  'year',
] as const satisfies readonly MaskStrategy[];

/** `filter` keeps the rows of its `target` type for which `where` holds (row-filter.ts). */
export type RuleEffect = 'allow' | 'deny' | 'mask' | 'filter';

/** One rule of a policy file, as written (after shape validation). */
export interface PolicyRule {
  readonly id: string;
  readonly description: string;
  /** The file it came from, relative to the policy directory: every error names it. */
  readonly file: string;
  /** Schema coordinates: `Type.field` or `Type.*`. */
  readonly fields: readonly string[];
  /** Classifications declared in the domains' SDL (`@tag(name: "pii")`). */
  readonly classifications: readonly string[];
  /** A CEL expression over `principal`; absent means always. */
  readonly when: string | undefined;
  readonly effect: RuleEffect;
  readonly strategy: MaskStrategy | undefined;
  /** effect filter: the type whose rows it filters. */
  readonly target?: string | undefined;
  /** effect filter: a CEL expression over `row` (the target's fields) and `principal`. */
  readonly where?: string | undefined;
  /** A grant (policies/grants/): seconds since the epoch after which it no longer applies. */
  readonly expiresAt?: number | undefined;
}

/**
 * Rules that change while the gateway runs: approved access requests (gateway/access/). The
 * engine is recompiled with them on every change, so caches keyed on the engine start afresh.
 */
export interface GrantRules {
  current(): readonly PolicyRule[];
  /** Calls `listener` after each change (a grant written, removed or expired). */
  onChange(listener: () => void): void;
}

/** The row filters that apply to one principal (row-filter.ts), as the context token carries them. */
export interface AppliedRowFilters {
  /** Per subgraph: the typed predicates it enforces. */
  readonly claims: RowFilterClaims;
  /** `Type:rule` per filter applied, for lineage and explain; empty when no filter applies. */
  readonly applied: readonly AppliedRowFilter[];
  /** Stable text of `claims`: what de-duplication keys on (empty when none applies). */
  readonly fingerprint: string;
}

/** The rules' condition, compiled: true when the rule applies to the principal. */
export type Condition = (principal: Principal) => boolean;

/**
 * Policies compiled against one supergraph: decides each coordinate for a principal. The
 * decision depends only on the principal attributes the rules and directives read, which
 * `principalKey` serialises — the decision cache is keyed by it.
 */
export interface PolicyEngine {
  /** The supergraph's API schema the rules were compiled against. */
  readonly schema: GraphQLSchema;
  readonly rules: readonly PolicyRule[];
  /** Decision for `Type.field` (the field as selected on `Type`). */
  decideField(typeName: string, fieldName: string, principal: Principal): FieldDecision;
  /** Whether a fragment on `Type` survives: its type-level directive requirements. */
  decideType(typeName: string, principal: Principal): FieldDecision;
  principalKey(principal: Principal): string;
  /** The row filters for a principal (one object per principal key). */
  rowFilters(principal: Principal): AppliedRowFilters;
}

/** What authorizing one operation for one principal gives; cached per (operation, principal key). */
export interface OperationAuthorization {
  /** One decision per coordinate the operation reads (and per type of a removed fragment). */
  readonly decisions: readonly FieldDecision[];
  /** Denied coordinates (fields and fragment types) with the rule that denied them. */
  readonly denied: ReadonlyMap<string, string>;
  /** Masked coordinates with their strategy. */
  readonly masked: ReadonlyMap<string, MaskStrategy>;
  /**
   * Whether the operation to plan is a rewritten one. If not, `document`, `source` and
   * `queryHash` are the request's own (of the request the authorization was first made for:
   * another request of the same operation may carry another parse of the same text).
   */
  readonly rewritten: boolean;
  /**
   * The operation to plan: the original when nothing is denied, else one without the denied
   * selections (its operation first), with its own source and hash so the query-plan cache
   * never mixes them.
   */
  readonly document: DocumentNode;
  readonly source: string;
  readonly queryHash: string;
  /** Whether the response must be walked (something denied or masked). */
  readonly touchesResponse: boolean;
}

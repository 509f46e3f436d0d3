/**
 * The protocol's public types: what the gateway and a data product exchange. Each section
 * names the file that reads or writes it; README.md says how the protocol is versioned.
 */
import type { Principal } from '../common/types.js';
import type { Classification } from './classification.js';
import type { LIBRARY_METRICS, QUALITY_OPERATORS } from './quality-vocabulary.js';

// ── The context token (context-token.ts) ─────────────────────────────────────────────────

/** What the gateway tells a subgraph about a fetch: who asks, and which rows they may see. */
export interface ContextClaims {
  readonly principal: Principal;
  /** The row filters each subgraph enforces (row-filter.ts); `{}` when none. */
  readonly filters: RowFilterClaims;
}

// ── Row filters (row-filter.ts) ──────────────────────────────────────────────────────────

/**
 * The row-filter contract between the gateway and the data products. The gateway decides
 * which rows a principal may see (policy rules with `effect: filter`), evaluates everything
 * about the principal, and sends each data product, in the signed context token, a small
 * typed predicate over the target type's fields with literal values only: never SQL text,
 * never CEL. The product's kit compiles it to parameterised SQL (subgraphs/kit/row-filter.ts).
 */

/** A literal a predicate compares with: what a GraphQL scalar or enum field holds. */
export type FilterValue = string | number | boolean | null;

export type CompareOperator = 'eq' | 'ne' | 'lt' | 'le' | 'gt' | 'ge';

/** A predicate over one row of a type; `field` is a GraphQL field name of that type. */
export type RowPredicate =
  | {
      readonly kind: 'compare';
      readonly field: string;
      readonly op: CompareOperator;
      readonly value: FilterValue;
    }
  | { readonly kind: 'in'; readonly field: string; readonly values: readonly FilterValue[] }
  | { readonly kind: 'and'; readonly of: readonly RowPredicate[] }
  | { readonly kind: 'or'; readonly of: readonly RowPredicate[] }
  | { readonly kind: 'not'; readonly of: RowPredicate }
  | { readonly kind: 'const'; readonly value: boolean };

/** One filter rule as it applies to one principal: the rows of `type` it keeps. */
export interface RowFilterClaim {
  readonly type: string;
  readonly rule: string;
  readonly where: RowPredicate;
}

/** A filter rule that applied to a request: lineage records it, explain shows it. */
export interface AppliedRowFilter {
  readonly type: string;
  readonly rule: string;
  /** The data product that enforced it. */
  readonly subgraph: string;
}

/** The filters of one request, per subgraph name: the `filters` claim of the context token. */
export type RowFilterClaims = Readonly<Record<string, readonly RowFilterClaim[]>>;

// ── The data product descriptor (descriptor-from-contract.ts) ────────────────────────────

/**
 * The data product descriptor: what the platform reads of a product's data contract
 * (`contract.odcs.yaml`, Open Data Contract Standard v3.1, the domain team's one source of
 * truth beside `schema.graphql`). Derived, never written: who owns the product, what it
 * promises (SLA), which fields hold personal (pii) or payment (pci) data, who approves
 * access, and its quality rules. It is JSON, so the registry publishes it as it is.
 */
export interface DataProductDescriptor {
  readonly name: string;
  readonly domain: string;
  readonly owner: { readonly team: string; readonly email: string };
  readonly description: string;
  readonly version: string;
  readonly status: 'draft' | 'active' | 'deprecated' | 'retired';
  /** The catalog's summary of the SLA: freshness as `15m`/`24h`/`7d`, availability in percent. */
  readonly slo: { readonly freshness: string; readonly availability: number };
  /** `Type.field` → classification, for the fields the contract classifies pii, pci or confidential. */
  readonly classification: Readonly<Record<string, Classification>>;
  readonly tags: readonly string[];
  readonly support: readonly { channel: string; tool?: string; url?: string; scope?: string }[];
  /** Who approves access to the product (ODCS roles; approvers split on commas). */
  readonly roles: readonly {
    role: string;
    access: string;
    firstLevelApprovers: string[];
    secondLevelApprovers: string[];
  }[];
  /** The contract's `slaProperties` as numbers; read them through `productSla`. */
  readonly sla: ProductSla;
  readonly quality: readonly QualityRule[];
  /** The contract itself, as parsed: `meshgate contract export` prints it, a publish carries it. */
  readonly contract: Readonly<Record<string, unknown>>;
}

export interface ContractProblem {
  /** JSON pointer into the contract, `` for its root. */
  readonly pointer: string;
  readonly message: string;
}

export type ContractReading =
  | { readonly ok: true; readonly descriptor: DataProductDescriptor }
  | { readonly ok: false; readonly problems: readonly ContractProblem[] };

/**
 * What a data product promises, as numbers the platform measures against: the contract's
 * `slaProperties` (contract-sla.ts). Every consumer of SLA targets (SLIs, burn rates, alerts,
 * the entity cache's freshness bound) reads them through `productSla`, never from the file.
 */
export interface ProductSla {
  /** Fetches that succeed, in percent (e.g. 99.9). */
  readonly availabilityPercent: number;
  /** The 95th percentile of a subgraph fetch, in milliseconds. */
  readonly latencyP95Ms: number;
  /** Fetches that fail, in percent (e.g. 0.5). */
  readonly errorRatePercent: number;
  /** How old the newest row may be: the declared timestamp element and the bound. */
  readonly freshness: { readonly element: string | null; readonly maxLagSeconds: number };
  /** Types (or `Type.field` coordinates) whose values must be fresher than the product's bound, in seconds. */
  readonly maxAgeSeconds: Readonly<Record<string, number>>;
}

// ── Quality rules and their results (contract-quality-rules.ts) ──────────────────────────

/**
 * A data product's quality rules as the platform runs them: the contract's ODCS `quality`
 * entries (on a schema object or one of its properties), flattened with where they point.
 * Only `library` and `sql` rules run; `text` and `custom` ones stay documentation.
 */

export type LibraryMetric = (typeof LIBRARY_METRICS)[number];
export type Operator = (typeof QUALITY_OPERATORS)[number];

export interface Threshold {
  readonly operator: Operator;
  /** A number, or `[low, high]` for the between operators. */
  readonly value: number | readonly [number, number];
}

interface RuleBase {
  /** The rule's `id` in the contract, unique within the product. */
  readonly id: string;
  /** The schema object (GraphQL type) the rule is declared on. */
  readonly object: string;
  /** The property (GraphQL field) it is declared on, if any. */
  readonly property: string | null;
  /** The object's `physicalName`: the table its library metrics read. */
  readonly table: string | null;
  /** The property's `physicalName`: the column. */
  readonly column: string | null;
  readonly dimension: string;
  /** `error` blocks (an incident), `warning` and `info` inform. */
  readonly severity: string;
  readonly description: string | null;
  readonly threshold: Threshold;
  /** JSON pointer of the rule in the contract, for messages. */
  readonly pointer: string;
}

export interface LibraryRule extends RuleBase {
  readonly type: 'library';
  readonly metric: LibraryMetric;
  /** `rows` (a count, the default) or `percent` of the table's rows. */
  readonly unit: 'rows' | 'percent';
  /** invalidValues: the allowed values and/or a POSIX pattern; missingValues: what counts as missing besides null. */
  readonly arguments: {
    readonly validValues?: readonly (string | number)[] | undefined;
    readonly missingValues?: readonly (string | number)[] | undefined;
    readonly pattern?: string | undefined;
  };
}

export interface SqlRule extends RuleBase {
  readonly type: 'sql';
  /** One SELECT returning one number; runs read-only in the product's schema. */
  readonly query: string;
}

export type QualityRule = LibraryRule | SqlRule;

/**
 * One quality rule's run: one row of `meshgate quality run`, what the gateway's quality store
 * keeps and health, incidents, OpenLineage facets and the console read.
 */
export interface QualityResult {
  readonly product: string;
  /** The rule's id in the product's contract. */
  readonly ruleId: string;
  /** ODCS dimension: accuracy, completeness, conformity, consistency, coverage, timeliness, uniqueness. */
  readonly dimension: string;
  /** nullValues, missingValues, invalidValues, duplicateValues, rowCount, or sql. */
  readonly metric: string;
  /** What the rule measured; null when it could not run (see `error`). */
  readonly measured: number | null;
  /** The operator and value it must meet, e.g. `mustBe 0`, `mustBeBetween [1, 5]`. */
  readonly threshold: string;
  readonly passed: boolean;
  /**
   * The rule could not be measured at all (no credentials for the product's server, an
   * incomplete `servers` entry): `error` says why; neither a pass nor a failure.
   */
  readonly notMeasured?: true | undefined;
  /** ODCS severity, e.g. "error" (blocking) or "warning". */
  readonly severity: string;
  readonly durationMs: number;
  /** ISO time the run finished. */
  readonly at: string;
  readonly error?: string | undefined;
}

/** One reading of a product's freshness element (its newest timestamp). */
export interface FreshnessReading {
  readonly product: string;
  /** `table.column`, as the contract declares it. */
  readonly element: string;
  /** The newest value, ISO; null when the table is empty or the probe failed. */
  readonly newest: string | null;
  readonly lagSeconds: number | null;
  readonly maxLagSeconds: number;
  readonly at: string;
  readonly error?: string | undefined;
}

/**
 * A data product's quality rules as the platform runs them: the contract's ODCS `quality`
 * entries (on a schema object or one of its properties), flattened with where they point.
 * Only `library` and `sql` rules run; `text` and `custom` ones stay documentation.
 */

/** ODCS library metrics (DataQualityLibrary.metric). */
export const LIBRARY_METRICS = [
  'nullValues',
  'missingValues',
  'invalidValues',
  'duplicateValues',
  'rowCount',
] as const;
export type LibraryMetric = (typeof LIBRARY_METRICS)[number];

/** ODCS comparison operators (DataQualityOperators); a rule carries exactly one. */
export const OPERATORS = [
  'mustBe',
  'mustNotBe',
  'mustBeGreaterThan',
  'mustBeGreaterOrEqualTo',
  'mustBeLessThan',
  'mustBeLessOrEqualTo',
  'mustBeBetween',
  'mustNotBeBetween',
] as const;
export type Operator = (typeof OPERATORS)[number];

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
 * keeps and health, incidents, OpenLineage facets and the console read. Declared here, where
 * the results are produced (the kit does not import the gateway; gateway/health/types.ts
 * re-exports it).
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

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
 * One rule's run. The same shape as `QualityResult` in gateway/health/types.ts (the kit does
 * not import the gateway): what `meshgate quality run` prints and the store keeps.
 */
export interface RuleResult {
  readonly product: string;
  readonly ruleId: string;
  readonly dimension: string;
  /** The library metric, or `sql`. */
  readonly metric: string;
  readonly measured: number | null;
  /** e.g. `mustBe 0`, `mustBeBetween [1, 5]`. */
  readonly threshold: string;
  readonly passed: boolean;
  readonly severity: string;
  readonly durationMs: number;
  readonly at: string;
  readonly error?: string | undefined;
}

/** One reading of the freshness element; the shape of `FreshnessReading` in gateway/health/types.ts. */
export interface FreshnessProbeReading {
  readonly product: string;
  readonly element: string;
  readonly newest: string | null;
  readonly lagSeconds: number | null;
  readonly maxLagSeconds: number;
  readonly at: string;
  readonly error?: string | undefined;
}

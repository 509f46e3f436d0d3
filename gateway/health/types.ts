/**
 * The measured side of a data product's promises, shared by whoever measures (SLIs from live
 * traffic, the freshness probe, the quality runner) and whoever reads (health, /metrics,
 * the catalog, OpenLineage facets, incidents, the console).
 */

/** One quality rule's run: one row of `meshgate quality run`. */
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
  /** The operator and value it must meet, e.g. "mustBeLessThan 1". */
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

/** Where quality results and freshness readings are kept, with their history. */
export interface QualityStore {
  record(results: readonly QualityResult[]): Promise<void>;
  recordFreshness(readings: readonly FreshnessReading[]): Promise<void>;
  /** The newest result of every rule (of one product, or all). */
  latest(product?: string): Promise<QualityResult[]>;
  /** A rule's results, newest first. */
  history(product: string, ruleId: string, limit: number): Promise<QualityResult[]>;
  latestFreshness(product?: string): Promise<FreshnessReading[]>;
  freshnessHistory(product: string, limit: number): Promise<FreshnessReading[]>;
}

/**
 * The measured side of a data product's promises, shared by whoever measures (SLIs from live
 * traffic, the freshness probe, the quality runner) and whoever reads (health, /metrics,
 * the catalog, OpenLineage facets, incidents, the console).
 */

// Quality results and freshness readings are part of the protocol (a product's results are
// the platform's to read), so their one declaration is there; the readers import them from here.
import type { FreshnessReading, QualityResult } from '../protocol/index.js';

export type { FreshnessReading, QualityResult };

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

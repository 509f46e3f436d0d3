import { PRODUCER, type DatasetInputFacets } from '../lineage/openlineage.js';
import { LATENCY_SLO } from './health-rules.js';
import type { ProductHealth } from './slo-types.js';
import type { FreshnessReading, QualityResult } from './types.js';

const SPEC = 'https://openlineage.io/spec';
const facet = (path: string) => ({ _producer: PRODUCER, _schemaURL: `${SPEC}/${path}` });

export interface ProductQuality {
  readonly health: ProductHealth;
  /** The latest result of each quality rule; empty when not measured. */
  readonly results: readonly QualityResult[];
  readonly freshness: readonly FreshnessReading[];
}

/**
 * A product's health as OpenLineage input facets of its dataset: `dataQualityMetrics` (row
 * count from a rowCount rule, last update from the freshness probe) and `dataQualityAssertions`
 * (each quality rule, then each SLO: availability and error budget over 30 days, latency over
 * 1 h, freshness), so a lineage tool shows, beside who read the product, whether it kept its
 * promises. An SLO without measurements is left out rather than asserted either way.
 */
export function qualityFacets(products: readonly ProductQuality[]): DatasetInputFacets {
  return new Map(products.map((p) => [p.health.product, facetsOf(p)]));
}

function facetsOf({ health, results, freshness }: ProductQuality): Record<string, unknown> {
  const rowCount = results.find((r) => r.metric === 'rowCount' && r.measured !== null)?.measured;
  const newest = freshness
    .flatMap((f) => (f.newest ? [f.newest] : []))
    .sort()
    .at(-1);
  const { declared, measured } = health;
  const month = measured.windows['30d'];
  const hour = measured.windows['1h'];
  const assertions: { assertion: string; success: boolean }[] = results.map((r) => ({
    assertion: `${r.ruleId}: ${r.metric} ${r.threshold} (${r.severity})`,
    success: r.passed,
  }));
  if (declared && month.availability !== null)
    assertions.push(
      {
        assertion: `availability >= ${declared.availabilityPercent}% over 30d`,
        success: month.availability * 100 >= declared.availabilityPercent,
      },
      { assertion: 'error budget remaining > 0 over 30d', success: (measured.errorBudgetRemaining ?? 1) > 0 },
    );
  if (declared && hour.latencyGoodRatio !== null)
    assertions.push({
      assertion: `${LATENCY_SLO * 100}% of fetches within ${declared.latencyP95Ms} ms over 1h`,
      success: hour.latencyGoodRatio >= LATENCY_SLO,
    });
  for (const f of freshness)
    if (f.lagSeconds !== null)
      assertions.push({
        assertion: `freshness of ${f.element}: lag <= ${f.maxLagSeconds} s`,
        success: f.lagSeconds <= f.maxLagSeconds,
      });
  return {
    dataQualityMetrics: {
      ...facet(
        'facets/1-0-3/DataQualityMetricsInputDatasetFacet.json#/$defs/DataQualityMetricsInputDatasetFacet',
      ),
      ...(typeof rowCount === 'number' && { rowCount: Math.round(rowCount) }),
      ...(newest && { lastUpdated: newest }),
      columnMetrics: {},
    },
    dataQualityAssertions: {
      ...facet(
        'facets/1-0-1/DataQualityAssertionsDatasetFacet.json#/$defs/DataQualityAssertionsDatasetFacet',
      ),
      assertions,
    },
  };
}

import { stringify } from 'yaml';
import type { ProductSla } from '../protocol/index.js';
import { LATENCY_BOUNDS_MS } from '../health/latency-histogram.js';
import { errorBudgetOf } from '../health/slo-windows.js';

/** One data product the rules are generated for: its name and its SLA targets (`productSla`). */
export interface RuleProduct {
  readonly name: string;
  readonly sla: ProductSla;
}

/**
 * The SRE workbook's multiwindow, multi-burn-rate alerts (chapter 5, table 5-8), for a 30-day
 * budget: page on 2% burnt in 1 h (14.4×, 1 h and 5 m) or 5% in 6 h (6×, 6 h and 30 m); ticket
 * on 10% in 1 d (3×, 1 d and 2 h) or 10% in 3 d (1×, 3 d and 6 h). The gateway's own
 * `BURN_ALERTS` uses the same pairs except 1 d/2 h, which its SLI tiers do not keep.
 */
export const RULE_BURN_PAIRS = Object.freeze([
  { severity: 'page', long: '1h', short: '5m', factor: 14.4 },
  { severity: 'page', long: '6h', short: '30m', factor: 6 },
  { severity: 'ticket', long: '1d', short: '2h', factor: 3 },
  { severity: 'ticket', long: '3d', short: '6h', factor: 1 },
] as const);

const FETCHES = 'meshgate_data_product_fetches_total';
const DURATION = 'meshgate_data_product_fetch_duration_seconds';
const QUALITY = 'meshgate_data_product_quality_pass_ratio';
const FRESHNESS = 'meshgate_data_product_freshness_lag_seconds';
const DOWN = 'meshgate_data_product_down';

/** Every window a burn pair reads: one recording rule each, so alert expressions stay cheap. */
const RATIO_WINDOWS = [...new Set(RULE_BURN_PAIRS.flatMap((p) => [p.long, p.short]))];

/** The recording rule holding a product's error ratio over `window`. */
export const errorRatio = (window: string) =>
  `product:${FETCHES.replace(/_total$/, '')}:error_ratio_rate${window}`;
/** The recording rule holding a product's ratio of fetches slower than its latency target. */
export const slowRatio = (window: string) =>
  `product:${DURATION.replace(/_seconds$/, '')}:slow_ratio_rate${window}`;

interface Rule {
  record?: string;
  alert?: string;
  expr: string;
  for?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}

/**
 * The histogram bucket a latency target is read at: the target itself when it is a bound (the
 * common 100/200/300/500 ms are), else the largest bound below it, so the alert errs strict.
 */
export function latencyBucketSeconds(targetMs: number): number {
  const below = LATENCY_BOUNDS_MS.filter((b) => b <= targetMs);
  return (below.length ? below[below.length - 1]! : LATENCY_BOUNDS_MS[0]!) / 1_000;
}

/** Prometheus renders float labels as Go does: 0.3, 1, 2.5 — JavaScript's String() agrees. */
const num = (n: number) => String(Number(n.toPrecision(12)));

function annotations(product: string, summary: string, description: string): Record<string, string> {
  return { summary, description, runbook: `meshgate slo --product ${product}` };
}

/**
 * The origin view throughout: the fetches counter holds what reached each product (the
 * gateway's entity cache hits are not in it) and its health probes (`source="probe"`), so a
 * product down behind a warm cache still burns its budget here, as in the gateway's own SLOs.
 */
function recordingGroup(): { name: string; rules: Rule[] } {
  return {
    name: 'meshgate-data-product-slis',
    rules: RATIO_WINDOWS.map((w) => ({
      record: errorRatio(w),
      expr:
        `sum by (product) (rate(${FETCHES}{outcome="error"}[${w}]))\n` +
        `/\nsum by (product) (rate(${FETCHES}[${w}]))`,
    })),
  };
}

function productGroup({ name, sla }: RuleProduct): { name: string; rules: Rule[] } {
  const budget = errorBudgetOf(sla);
  const sel = `{product="${name}"}`;
  const le = num(latencyBucketSeconds(sla.latencyP95Ms));
  const rules: Rule[] = [];
  for (const w of ['1h', '5m']) {
    rules.push({
      record: slowRatio(w),
      // The product label keeps each group's rule distinct (promtool rejects duplicates).
      labels: { product: name },
      expr:
        `1 - (\n  sum by (product) (rate(${DURATION}_bucket{product="${name}",le="${le}"}[${w}]))\n` +
        `  /\n  sum by (product) (rate(${DURATION}_count${sel}[${w}]))\n)`,
    });
  }
  for (const pair of RULE_BURN_PAIRS) {
    const threshold = num(pair.factor * budget);
    rules.push({
      alert: `DataProductErrorBudgetBurn`,
      expr: `${errorRatio(pair.long)}${sel} > ${threshold}\nand\n${errorRatio(pair.short)}${sel} > ${threshold}`,
      labels: {
        severity: pair.severity,
        product: name,
        slo: 'availability',
        window: `${pair.long}/${pair.short}`,
      },
      annotations: annotations(
        name,
        `${name} burns its error budget ${pair.factor}× too fast (${pair.long} and ${pair.short})`,
        `Error ratio {{ $value | humanizePercentage }} over ${pair.long}, and over ${pair.short} too, is above ` +
          `${num(pair.factor)}× the error budget of ${num(budget * 100)}% (SLA ${num(sla.availabilityPercent)}% available).`,
      ),
    });
  }
  // p95 under the target means at most 5% of fetches slower; page when both windows exceed that.
  rules.push({
    alert: 'DataProductLatencySlo',
    expr: `${slowRatio('1h')}${sel} > 0.05\nand\n${slowRatio('5m')}${sel} > 0.05`,
    labels: { severity: 'page', product: name, slo: 'latency' },
    annotations: annotations(
      name,
      `${name} p95 fetch latency above ${sla.latencyP95Ms} ms (1h and 5m)`,
      `{{ $value | humanizePercentage }} of fetches over 1h took longer than ${le} s; the SLA allows 5%.`,
    ),
  });
  // The scheduled probe found it down (N failed in a row), traffic or not, cache or not.
  rules.push({
    alert: 'DataProductDown',
    expr: `${DOWN}${sel} == 1`,
    labels: { severity: 'page', product: name, slo: 'availability' },
    annotations: annotations(
      name,
      `${name} is down: its subgraph fails the gateway's health probes`,
      `The gateway's scheduled health probe of ${name} failed several times in a row; consumers may be served from the entity cache until its entries expire.`,
    ),
  });
  rules.push({
    alert: 'DataProductQualityFailing',
    expr: `${QUALITY}${sel} < 1`,
    labels: { severity: 'page', product: name, slo: 'quality' },
    annotations: annotations(
      name,
      `${name} fails quality rules`,
      `Pass ratio of the latest quality results is {{ $value }}; see meshgate quality ${name}.`,
    ),
  });
  rules.push({
    alert: 'DataProductStale',
    expr: `${FRESHNESS}${sel} > ${num(sla.freshness.maxLagSeconds)}`,
    labels: { severity: 'page', product: name, slo: 'freshness' },
    annotations: annotations(
      name,
      `${name} data older than ${sla.freshness.maxLagSeconds} s`,
      `The newest row is {{ $value | humanizeDuration }} old; the SLA bound is ${sla.freshness.maxLagSeconds} s.`,
    ),
  });
  return { name: `meshgate-${name}`, rules };
}

/** The rules file `promtool check rules` reads: shared recording rules, then one group per product. */
export function prometheusRules(products: readonly RuleProduct[]): string {
  const groups = [
    recordingGroup(),
    ...[...products].sort((a, b) => a.name.localeCompare(b.name)).map(productGroup),
  ];
  return stringify({ groups }, { lineWidth: 0 });
}

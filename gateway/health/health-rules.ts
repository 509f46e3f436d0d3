import type { ProductSla } from '../protocol/index.js';
import type { FreshnessReading, QualityResult } from './types.js';
import type { BurnAlert, HealthState, ProbeReading, SloWindow, WindowSli } from './slo-types.js';

export interface HealthInput {
  readonly declared: ProductSla | null;
  /** The origin view (what reached the product): what the SLA is judged on. */
  readonly windows: Readonly<Record<SloWindow, WindowSli>>;
  /** The served view (what consumers got, cache hits included); the origin view's when absent. */
  readonly served?: Readonly<Record<SloWindow, WindowSli>> | undefined;
  /** The scheduled probe's reading; absent or null where none runs. */
  readonly probe?: ProbeReading | null | undefined;
  readonly alerts: readonly BurnAlert[];
  readonly errorBudgetRemaining: number | null;
  /** The latest result of each rule; null when no quality store is configured. */
  readonly quality: readonly QualityResult[] | null;
  /** The latest freshness readings; null when no quality store is configured. */
  readonly freshness: readonly FreshnessReading[] | null;
  /** Why the quality store could not be read, when it could not. */
  readonly qualityUnavailable?: string | null | undefined;
  /** `replica`: Redis could not be read, the numbers are this process's only. */
  readonly source: 'shared' | 'replica';
  readonly sharedStore: boolean;
}

/** The latency SLO: this share of fetches at or under the SLA's p95 target. */
export const LATENCY_SLO = 0.95;
/**
 * The fewest fetches in the hour the latency SLO is judged on. Below it one slow fetch moves
 * the ratio by five points or more: after a first start, the one cold fetch of five made a
 * product "degraded" for an hour. Such an hour is said in the healthy reason instead.
 */
export const LATENCY_MIN_FETCHES = 20;

const percent = (ratio: number) => `${(ratio * 100).toFixed(ratio >= 0.999 ? 3 : 2)}%`;

/**
 * One health signal from SLOs, the probe and quality. Failing: the scheduled probe finds the
 * product down, a page-severity burn alert fires, the
 * 30-day error budget is spent, the data is staler than its bound, or a blocking (severity
 * error) quality rule fails. Degraded: the ticket alert fires, the latency SLO is missed over
 * the last hour, a warning rule fails, or a measurement is missing. Healthy otherwise. Every
 * finding is a reason; the state is the worst of them.
 */
export function productHealthOf(input: HealthInput): { state: HealthState; reasons: string[] } {
  const failing: string[] = [];
  const degraded: string[] = [];
  const { declared, windows } = input;

  if (!declared) degraded.push('no descriptor: no SLA to measure against');
  const served = input.served ?? windows;
  if (input.probe?.state === 'down') {
    const { probe } = input;
    const shielded = served['5m'];
    failing.push(
      `down: ${probe.consecutiveFailures} health probes in a row failed since ${probe.failingSince ?? 'unknown'} (${probe.lastError ?? 'no answer'})` +
        (shielded.fetches > 0 && shielded.availability !== null
          ? `; consumers served at ${percent(shielded.availability)} over 5m (entity cache)`
          : ''),
    );
  }
  for (const alert of input.alerts.filter((a) => a.firing)) {
    const long = windows[alert.long];
    const short = windows[alert.short];
    const text = `${alert.severity === 'page' ? 'fast' : 'slow'} burn: error budget burning ${fmt(long.burnRate)}× over ${alert.long} and ${fmt(short.burnRate)}× over ${alert.short} (threshold ${alert.factor}×)`;
    (alert.severity === 'page' ? failing : degraded).push(text);
  }
  if (input.errorBudgetRemaining !== null && input.errorBudgetRemaining <= 0)
    failing.push(
      `error budget exhausted: ${windows['30d'].errors} failed of ${windows['30d'].fetches} fetches over 30d`,
    );
  const hour = windows['1h'];
  const latencyMissed = declared && hour.latencyGoodRatio !== null && hour.latencyGoodRatio < LATENCY_SLO;
  const fewFetches = hour.fetches < LATENCY_MIN_FETCHES;
  if (latencyMissed && !fewFetches)
    degraded.push(
      `latency SLO missed: ${percent(hour.latencyGoodRatio)} of fetches within ${declared.latencyP95Ms} ms over 1h (objective ${percent(LATENCY_SLO)}; p95 ≈ ${fmt(hour.latencyMs.p95)} ms)`,
    );
  // Traffic is what consumers sent (the served view): probes alone are no traffic.
  if (served['30d'].fetches === 0)
    degraded.push('no traffic measured in 30d: availability and latency unknown');
  if (input.source === 'replica' && input.sharedStore)
    degraded.push("SLI store (Redis) unreachable: these numbers are this replica's only");

  if (input.qualityUnavailable)
    degraded.push(`quality store unreadable (${input.qualityUnavailable}): freshness and quality unknown`);
  else if (input.freshness === null) degraded.push('freshness not measured (no quality store)');
  // A product whose contract names no timestamp element promises no measurable freshness
  // (the catalog keeps no change time): no reading is expected, so none missing is no finding.
  else if (input.freshness.length === 0 && declared?.freshness.element !== null)
    degraded.push('freshness not measured yet');
  for (const reading of input.freshness ?? []) {
    if (reading.lagSeconds === null)
      degraded.push(`freshness of ${reading.element} unknown: ${reading.error ?? 'no rows'}`);
    else if (reading.lagSeconds > reading.maxLagSeconds)
      failing.push(
        `stale: ${reading.element} is ${Math.round(reading.lagSeconds)} s old (bound ${reading.maxLagSeconds} s)`,
      );
  }

  // An unreadable store was said once, above.
  if (input.quality === null) {
    if (!input.qualityUnavailable) degraded.push('quality not measured (no quality store)');
  } else if (input.quality.length === 0) degraded.push('no quality results yet');
  for (const result of input.quality ?? []) {
    if (result.passed) continue;
    if (result.notMeasured) {
      degraded.push(`quality rule ${result.ruleId} ${result.error ?? 'not measured'}`);
      continue;
    }
    const what = result.error
      ? `could not run (${result.error})`
      : `measured ${String(result.measured)}, must be ${result.threshold}`;
    (result.severity === 'error' ? failing : degraded).push(
      `quality rule ${result.ruleId} (${result.dimension}, ${result.severity}) failed: ${what}`,
    );
  }

  if (failing.length) return { state: 'failing', reasons: [...failing, ...degraded] };
  if (degraded.length) return { state: 'degraded', reasons: degraded };
  return {
    state: 'healthy',
    reasons: [
      hour.availability === null
        ? 'no traffic in the last hour; within SLO over 30d'
        : `within SLO: availability ${percent(hour.availability)} over 1h, budget ${percent(Math.max(0, input.errorBudgetRemaining ?? 1))} left` +
          (latencyMissed
            ? `; latency not judged yet: ${hour.fetches} fetches over 1h (judged from ${LATENCY_MIN_FETCHES}), ${percent(hour.latencyGoodRatio ?? 0)} within ${declared.latencyP95Ms} ms`
            : ''),
    ],
  };
}

function fmt(value: number | null): string {
  if (value === null) return '–';
  return value >= 100 ? value.toFixed(0) : value.toFixed(1);
}

import type { ProductSla } from '../protocol/index.js';
import { emptyCounts, fractionUnder, mergeCounts, quantileMs } from './latency-histogram.js';
import { WINDOWS } from './sli-tiers.js';
import type { BurnAlert, SliBucket, SloWindow, WindowSli } from './slo-types.js';

/**
 * The error budget a product's SLA allows, as a ratio of fetches: 1 − availability, or the
 * error-rate target when that is stricter (a contract may declare both).
 */
export function errorBudgetOf(sla: ProductSla): number {
  return Math.min(1 - sla.availabilityPercent / 100, sla.errorRatePercent / 100);
}

/** The SLIs of one window from its buckets, against the SLA's latency target and error budget. */
export function windowSli(
  window: SloWindow,
  buckets: readonly SliBucket[],
  sla: ProductSla | null,
): WindowSli {
  const counts = buckets.reduce((sum, b) => mergeCounts(sum, b.counts), emptyCounts());
  const fetches = counts.ok + counts.errors;
  const errorRate = fetches === 0 ? null : counts.errors / fetches;
  const budget = sla ? errorBudgetOf(sla) : null;
  return {
    window,
    fetches,
    errors: counts.errors,
    availability: errorRate === null ? null : 1 - errorRate,
    errorRate,
    throughputPerSecond: fetches / (WINDOWS[window].ms / 1_000),
    latencyMs: { p50: quantileMs(counts, 0.5), p95: quantileMs(counts, 0.95), p99: quantileMs(counts, 0.99) },
    latencyGoodRatio: sla ? fractionUnder(counts, sla.latencyP95Ms) : null,
    burnRate:
      errorRate === null || budget === null
        ? null
        : budget > 0
          ? errorRate / budget
          : errorRate > 0
            ? Infinity
            : 0,
  };
}

/**
 * The SRE workbook's multiwindow, multi-burn-rate alerts (chapter 5, table 5-8): page when
 * 2% of a 30-day budget burns in an hour (14.4× over 1 h and 5 m) or 5% in six hours (6× over
 * 6 h and 30 m); ticket when 10% burns in three days (1× over 3 d and 6 h). The short window
 * makes an alert stop soon after the burn does.
 */
export const BURN_ALERTS: readonly Omit<BurnAlert, 'firing'>[] = Object.freeze([
  { severity: 'page', long: '1h', short: '5m', factor: 14.4 },
  { severity: 'page', long: '6h', short: '30m', factor: 6 },
  { severity: 'ticket', long: '3d', short: '6h', factor: 1 },
]);

/** Fewer fetches than this in a window decide no alert: one failed fetch of three is no outage. */
export const MIN_ALERT_FETCHES = 10;

export function burnAlerts(windows: Readonly<Record<SloWindow, WindowSli>>): BurnAlert[] {
  const burning = (w: WindowSli, factor: number) =>
    w.fetches >= MIN_ALERT_FETCHES && w.burnRate !== null && w.burnRate > factor;
  return BURN_ALERTS.map((alert) => ({
    ...alert,
    firing: burning(windows[alert.long], alert.factor) && burning(windows[alert.short], alert.factor),
  }));
}

/** 1 − errors ÷ (fetches × budget) over 30 days; 1 without fetches; negative once overspent. */
export function errorBudgetRemaining(month: WindowSli, budget: number | null): number | null {
  if (budget === null) return null;
  if (month.fetches === 0) return 1;
  if (budget === 0) return month.errors === 0 ? 1 : -Infinity;
  return 1 - month.errors / (month.fetches * budget);
}

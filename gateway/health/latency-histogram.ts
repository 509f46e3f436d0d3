import type { SliCounts } from './slo-types.js';

/**
 * Upper bounds (ms) of the latency buckets every recorder and every replica uses: fixed, so
 * buckets add up across time and replicas, and include the common latency targets (100, 200,
 * 300, 500 ms) so the fraction under a target is exact there and interpolated elsewhere.
 */
export const LATENCY_BOUNDS_MS: readonly number[] = Object.freeze([
  1, 2, 5, 10, 20, 50, 100, 200, 300, 500, 750, 1_000, 2_000, 5_000, 10_000,
]);

export function emptyCounts(): SliCounts {
  return {
    ok: 0,
    errors: 0,
    durationMicros: 0,
    buckets: new Array<number>(LATENCY_BOUNDS_MS.length + 1).fill(0),
  };
}

/** The bucket of a duration: the first bound at or above it, or the overflow bucket. */
export function bucketIndex(durationMs: number): number {
  let i = 0;
  while (i < LATENCY_BOUNDS_MS.length && durationMs > LATENCY_BOUNDS_MS[i]!) i++;
  return i;
}

/** Adds one fetch to the counts: on the request path, so no allocation. */
export function addFetch(counts: SliCounts, durationMs: number, ok: boolean): void {
  if (ok) counts.ok++;
  else counts.errors++;
  counts.durationMicros += Math.round(durationMs * 1_000);
  counts.buckets[bucketIndex(durationMs)]!++;
}

/** Adds an outcome without a latency (a health probe: it is no query, its time says nothing of one). */
export function addOutcome(counts: SliCounts, ok: boolean): void {
  if (ok) counts.ok++;
  else counts.errors++;
}

export function mergeCounts(into: SliCounts, from: SliCounts): SliCounts {
  into.ok += from.ok;
  into.errors += from.errors;
  into.durationMicros += from.durationMicros;
  for (let i = 0; i < into.buckets.length; i++) into.buckets[i]! += from.buckets[i] ?? 0;
  return into;
}

/**
 * The q-quantile (0 < q < 1) of the histogram, in ms: linear within the bucket that holds the
 * rank, as Prometheus' `histogram_quantile` estimates it; the overflow bucket answers its
 * lower bound (the estimate is "at least"). Null without fetches.
 */
export function quantileMs(counts: SliCounts, q: number): number | null {
  const total = counts.buckets.reduce((a, b) => a + b, 0);
  if (total === 0) return null;
  const rank = q * total;
  let below = 0;
  for (let i = 0; i < counts.buckets.length; i++) {
    const inBucket = counts.buckets[i]!;
    if (inBucket > 0 && below + inBucket >= rank) {
      if (i === LATENCY_BOUNDS_MS.length) return LATENCY_BOUNDS_MS[i - 1]!;
      const lower = i === 0 ? 0 : LATENCY_BOUNDS_MS[i - 1]!;
      const upper = LATENCY_BOUNDS_MS[i]!;
      return lower + ((upper - lower) * (rank - below)) / inBucket;
    }
    below += inBucket;
  }
  return LATENCY_BOUNDS_MS[LATENCY_BOUNDS_MS.length - 1]!;
}

/** Fetches at or under `thresholdMs` ÷ all (linear within the bucket that holds the threshold). */
export function fractionUnder(counts: SliCounts, thresholdMs: number): number | null {
  const total = counts.buckets.reduce((a, b) => a + b, 0);
  if (total === 0) return null;
  let under = 0;
  for (let i = 0; i < counts.buckets.length; i++) {
    const lower = i === 0 ? 0 : LATENCY_BOUNDS_MS[i - 1]!;
    const upper = LATENCY_BOUNDS_MS[i] ?? Number.POSITIVE_INFINITY;
    const inBucket = counts.buckets[i]!;
    if (thresholdMs >= upper) under += inBucket;
    else {
      if (Number.isFinite(upper) && thresholdMs > lower)
        under += (inBucket * (thresholdMs - lower)) / (upper - lower);
      break;
    }
  }
  return under / total;
}

import { describe, expect, it } from 'vitest';
import {
  addFetch,
  bucketIndex,
  emptyCounts,
  fractionUnder,
  LATENCY_BOUNDS_MS,
  mergeCounts,
  quantileMs,
} from './latency-histogram.js';

function countsOf(durations: number[], ok = true) {
  const counts = emptyCounts();
  for (const d of durations) addFetch(counts, d, ok);
  return counts;
}

describe('the latency histogram', () => {
  it('puts a duration in the first bucket whose bound is at or above it, else overflow', () => {
    expect(bucketIndex(0)).toBe(0);
    expect(bucketIndex(1)).toBe(0);
    expect(bucketIndex(1.01)).toBe(1);
    expect(bucketIndex(300)).toBe(LATENCY_BOUNDS_MS.indexOf(300));
    expect(bucketIndex(10_000)).toBe(LATENCY_BOUNDS_MS.length - 1);
    expect(bucketIndex(60_000)).toBe(LATENCY_BOUNDS_MS.length);
  });

  it('counts ok, errors and the duration sum in µs', () => {
    const counts = countsOf([1.5, 2.5]);
    addFetch(counts, 400, false);
    expect(counts).toMatchObject({ ok: 2, errors: 1, durationMicros: 404_000 });
    expect(counts.buckets.reduce((a, b) => a + b)).toBe(3);
  });

  it('estimates quantiles linearly within a bucket, as histogram_quantile does', () => {
    // 100 fetches between 100 and 200 ms: the bucket (100, 200] holds them all.
    const counts = countsOf(Array.from({ length: 100 }, () => 150));
    expect(quantileMs(counts, 0.5)).toBe(150);
    expect(quantileMs(counts, 0.95)).toBe(195);
    expect(quantileMs(emptyCounts(), 0.95)).toBeNull();
    // 90 fast, 10 in overflow: p95 answers the last bound (at least 10 s).
    const tail = mergeCounts(
      countsOf(Array.from({ length: 90 }, () => 0.5)),
      countsOf(Array.from({ length: 10 }, () => 20_000)),
    );
    expect(quantileMs(tail, 0.5)).toBeCloseTo(0.5556, 3);
    expect(quantileMs(tail, 0.95)).toBe(10_000);
  });

  it('gives the fraction under a target: exact at a bound, interpolated between', () => {
    const counts = countsOf([
      ...Array.from({ length: 96 }, () => 250),
      ...Array.from({ length: 4 }, () => 400),
    ]);
    expect(fractionUnder(counts, 300)).toBe(0.96);
    expect(fractionUnder(counts, 250)).toBeCloseTo(0.48, 5); // half of (200, 300]
    expect(fractionUnder(counts, 100_000)).toBe(1);
    expect(fractionUnder(emptyCounts(), 300)).toBeNull();
  });

  it('merges buckets across replicas by adding them', () => {
    const merged = mergeCounts(countsOf([5, 50]), countsOf([5], false));
    expect(merged).toMatchObject({ ok: 2, errors: 1, durationMicros: 60_000 });
    expect(merged.buckets[bucketIndex(5)]).toBe(2);
  });
});

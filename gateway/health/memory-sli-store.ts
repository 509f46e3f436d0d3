import { emptyCounts, mergeCounts } from './latency-histogram.js';
import { TIERS } from './sli-tiers.js';
import type { SliBatch, SliBucket, SliSeries, SliStore, TierName } from './slo-types.js';

/** Batch ids remembered to refuse a repeat: far more than can be in doubt at once. */
const SEEN_IDS = 10_000;

/**
 * The SLI store without REDIS_URL (and each replica's own copy beside Redis): buckets in a
 * map per product, tier and series, pruned past each tier's retention as batches arrive.
 */
export function memorySliStore(now: () => number = Date.now): SliStore {
  const buckets = new Map<string, Map<number, SliBucket>>();
  const seen = new Set<string>();
  const keyOf = (product: string, tier: TierName, series: SliSeries = 'origin') =>
    `${product}\u0000${tier}\u0000${series}`;
  const tierOf = (product: string, tier: TierName, series: SliSeries | undefined) => {
    const key = keyOf(product, tier, series);
    let map = buckets.get(key);
    if (!map) buckets.set(key, (map = new Map()));
    return map;
  };
  return {
    kind: 'memory',
    async add(batch: SliBatch) {
      if (seen.has(batch.id)) return 'duplicate';
      seen.add(batch.id);
      if (seen.size > SEEN_IDS) seen.delete(seen.values().next().value!);
      for (const delta of batch.deltas) {
        const map = tierOf(batch.product, delta.tier, batch.series);
        const bucket = map.get(delta.start);
        if (bucket) mergeCounts(bucket.counts, delta.counts);
        else
          map.set(delta.start, {
            tier: delta.tier,
            start: delta.start,
            counts: mergeCounts(emptyCounts(), delta.counts),
          });
      }
      prune(now());
      return 'applied';
    },
    async read(product, tier, from, to, series) {
      const map = buckets.get(keyOf(product, tier, series));
      if (!map) return [];
      return [...map.values()]
        .filter((b) => b.start >= from && b.start <= to)
        .sort((a, b) => a.start - b.start);
    },
    async close() {},
  };

  function prune(time: number): void {
    for (const [key, map] of buckets) {
      const tier = TIERS[key.split('\u0000')[1] as TierName];
      for (const start of map.keys()) if (start + tier.sizeMs + tier.retentionMs < time) map.delete(start);
    }
  }
}

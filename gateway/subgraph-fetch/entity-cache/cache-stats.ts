import type { SubgraphCacheStats } from './types.js';

/** Per-subgraph counters, created on first use; what `/metrics` and `GET /admin/cache` read. */
export class CacheCounters {
  private readonly bySubgraph = new Map<string, SubgraphCacheStats>();

  of(subgraph: string): SubgraphCacheStats {
    let stats = this.bySubgraph.get(subgraph);
    if (!stats) {
      stats = { hits: 0, misses: 0, evictions: 0, stale: 0, l2Hits: 0, l2Errors: 0, entries: 0, bytes: 0 };
      this.bySubgraph.set(subgraph, stats);
    }
    return stats;
  }

  snapshot(): Record<string, Readonly<SubgraphCacheStats>> {
    const copy: Record<string, SubgraphCacheStats> = {};
    for (const [subgraph, stats] of [...this.bySubgraph].sort(([a], [b]) => a.localeCompare(b)))
      copy[subgraph] = { ...stats };
    return copy;
  }
}

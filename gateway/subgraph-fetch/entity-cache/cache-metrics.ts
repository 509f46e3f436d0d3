import { Counter, Gauge, type Registry } from 'prom-client';
import type { EntityCache, SubgraphCacheStats } from './types.js';

const COUNTERS: readonly [keyof SubgraphCacheStats, string, string][] = [
  ['hits', 'meshgate_cache_hits_total', 'Entity cache hits (entities, or root-field answers), by subgraph'],
  ['misses', 'meshgate_cache_misses_total', 'Entity cache misses, fetched from the subgraph, by subgraph'],
  ['evictions', 'meshgate_cache_evictions_total', 'Entries the L1 byte bound pushed out, by subgraph'],
  [
    'stale',
    'meshgate_cache_stale_total',
    'Entries refused as older than their TTL (the freshness bound), by subgraph',
  ],
  ['l2Hits', 'meshgate_cache_l2_hits_total', 'Hits served from Redis (L2), by subgraph'],
  [
    'l2Errors',
    'meshgate_cache_l2_errors_total',
    'Redis (L2) commands that failed; the request went on with L1, by subgraph',
  ],
];

const GAUGES: readonly [keyof SubgraphCacheStats, string, string][] = [
  ['entries', 'meshgate_cache_entries', 'Entries in the L1 cache, by subgraph'],
  ['bytes', 'meshgate_cache_bytes', 'Bytes of JSON text and keys in the L1 cache, by subgraph'],
];

/**
 * The cache's metrics, read from its counters when Prometheus scrapes (`collect()`), so a
 * hit costs no metric update on the request path.
 */
export function cacheMetrics(registry: Registry, cache: EntityCache): void {
  const labelled = (name: string, help: string) => ({
    name,
    help,
    labelNames: ['subgraph'] as const,
    registers: [registry],
  });
  /** Each subgraph's current value of one of the cache's stats, as `write` records it. */
  const eachSubgraph = (
    field: keyof SubgraphCacheStats,
    write: (labels: { subgraph: string }, value: number) => void,
  ) => {
    for (const [subgraph, stats] of Object.entries(cache.stats().subgraphs))
      write({ subgraph }, stats[field]);
  };
  for (const [field, name, help] of COUNTERS) {
    new Counter({
      ...labelled(name, help),
      // A counter's total is the cache's own: start from zero at every scrape, then add it.
      collect() {
        this.reset();
        eachSubgraph(field, (labels, value) => this.inc(labels, value));
      },
    });
  }
  for (const [field, name, help] of GAUGES) {
    new Gauge({
      ...labelled(name, help),
      collect() {
        this.reset();
        eachSubgraph(field, (labels, value) => this.set(labels, value));
      },
    });
  }
}

import type { RedisConnection } from '../../redis/redis-config.js';
import type { SubgraphFetch } from '../../common/types.js';

/** The entity cache's public contracts (implementations beside them, one per file). */

/** MESHGATE_CACHE*, validated once (cache-config.ts). */
export interface CacheConfig {
  /** MESHGATE_CACHE (on by default since the benchmark measured it paying; off reads every product live). */
  readonly enabled: boolean;
  /** Bound of the in-process LRU (L1), in bytes of stored JSON text plus keys. */
  readonly maxBytes: number;
  /** MESHGATE_CACHE_L2=on: entries shared by replicas in Redis (needs REDIS_URL or a cluster). */
  readonly l2: boolean;
  /** An upper bound on every TTL, in seconds, below what the products promise; undefined: none. */
  readonly ttlMaxSeconds: number | undefined;
  /** Redis key and channel prefix. */
  readonly prefix: string;
  /** The deployment's Redis: L2 and invalidation pub/sub across replicas; undefined: this process only. */
  readonly redis: RedisConnection | undefined;
}

/** What an operator drops: a product's entries, or one entity of one type (and the product's root-field answers). */
export interface InvalidationRequest {
  readonly product: string;
  readonly type?: string | undefined;
  /** `value` (any key field equal to it) or `field=value,field=value`. */
  readonly key?: string | undefined;
}

/** Counters of one subgraph since start. */
export interface SubgraphCacheStats {
  hits: number;
  misses: number;
  /** Entries the byte bound pushed out of L1. */
  evictions: number;
  /** Reads that found an entry older than its TTL and refused it. */
  stale: number;
  /** Hits served from Redis (counted in `hits` too). */
  l2Hits: number;
  /** Redis commands that failed; the request went on with L1 only. */
  l2Errors: number;
  entries: number;
  bytes: number;
}

export interface CacheStats {
  readonly enabled: true;
  /** This process, as the replicas' stats tell them apart. */
  readonly replica: string;
  readonly l2: boolean;
  readonly maxBytes: number;
  readonly entries: number;
  readonly bytes: number;
  readonly subgraphs: Readonly<Record<string, Readonly<SubgraphCacheStats>>>;
}

/**
 * One fetch's cache lookups: its answers found (undefined: a miss) and the generation they
 * were read at, so a store from a fetch that began before an invalidation is dropped.
 */
export interface Lookup {
  readonly texts: readonly (string | undefined)[];
  readonly ticket: StoreTicket;
}

export interface StoreTicket {
  readonly subgraph: string;
  /**
   * When the lookup began: the age of what the fetch brings back counts from here, before the
   * subgraph read its rows, so an answer read before an update is never taken as newer.
   */
  readonly startedAt: number;
  /** This process's invalidation counter of the subgraph when the lookup began. */
  readonly localEpoch: number;
  /** The subgraph's L2 epoch read with the entries (`null`: no L2 or Redis down: store in L1 only). */
  readonly l2Epoch: string | null;
}

/** What an entry's key says about it, for targeted invalidation. */
export interface EntryMeta {
  readonly subgraph: string;
  /** The entity's `__typename`; null for a root-field answer. */
  readonly typename: string | null;
  /** The representation (typename + key fields and any @requires fields); null for a root-field answer. */
  readonly representation: Readonly<Record<string, unknown>> | null;
}

export interface CacheEntry {
  readonly key: string;
  readonly meta: EntryMeta;
  readonly text: string;
}

/** The entity cache of one gateway process: L1 in memory, optionally L2 in Redis. */
export interface EntityCache {
  /** The key part every entry of `subgraph` carries now: supergraph + product version. */
  generation(subgraph: string): string;
  /** How long an entry of `subgraph` may be served, in ms (0: not cached). */
  ttlMs(subgraph: string): number;
  lookup(subgraph: string, keys: readonly string[]): Promise<Lookup>;
  /** Stores answers read after `ticket` (L2 writes are fire-and-forget). */
  store(ticket: StoreTicket, entries: readonly CacheEntry[]): void;
  /** A new supergraph is in service: every entry is of the old one. */
  schemaChanged(supergraphSdl: string): void;
  /** Drops matching entries in this process (L1): the receiving end of every invalidation. */
  invalidateLocal(request: InvalidationRequest): number;
  /**
   * Invalidates everywhere: the L2 epoch of the product and every replica over pub/sub (with
   * Redis), else this process. Resolves to the entries dropped here and the replicas told.
   */
  invalidate(request: InvalidationRequest): Promise<{ invalidated: number; replicas: number | null }>;
  stats(): CacheStats;
  /**
   * When the oldest entry of `subgraph` this process holds (L1) expires, epoch ms; null with
   * none. Scans L1: for an incident's evidence (how long consumers stay shielded), off the path.
   */
  oldestExpiry(subgraph: string): number | null;
  close(): Promise<void>;
}

/**
 * A fetch as the data source records it on the context when the cache is on: lineage marks
 * the reads the cache served (`cacheHits`: entities, or 1 for a root-field answer).
 */
export interface CachedSubgraphFetch extends SubgraphFetch {
  readonly cacheHits: number;
}

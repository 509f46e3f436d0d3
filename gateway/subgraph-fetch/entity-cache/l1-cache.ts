import { LRUCache } from 'lru-cache';
import type { CacheCounters } from './cache-stats.js';
import type { EntryMeta } from './types.js';

/** An L1 entry: the answer's JSON text (parsed afresh per hit: the gateway rewrites answers in place). */
export interface L1Entry {
  readonly text: string;
  readonly fetchedAt: number;
  readonly meta: EntryMeta;
}

/**
 * The in-process LRU, bounded in bytes: each entry weighs its JSON text and its key (UTF-8
 * length, what it costs in memory to within a small constant). Ages are checked by the
 * caller against the product's TTL on every read, not by lru-cache, so a refusal is counted
 * as staleness and a TTL that shrinks (a new contract) applies to entries already stored.
 */
export class L1Cache {
  private readonly lru: LRUCache<string, L1Entry>;
  private total = 0;

  constructor(
    readonly maxBytes: number,
    private readonly counters: CacheCounters,
  ) {
    this.lru = new LRUCache<string, L1Entry>({
      maxSize: maxBytes,
      sizeCalculation: (entry, key) => weight(key, entry),
      dispose: (entry, key, reason) => {
        const stats = counters.of(entry.meta.subgraph);
        const bytes = weight(key, entry);
        stats.entries -= 1;
        stats.bytes -= bytes;
        this.total -= bytes;
        if (reason === 'evict') stats.evictions += 1;
      },
    });
  }

  get(key: string): L1Entry | undefined {
    return this.lru.get(key);
  }

  set(key: string, entry: L1Entry): void {
    const bytes = weight(key, entry);
    // lru-cache refuses (silently) what is larger than the whole cache: nothing to count then.
    if (bytes > this.maxBytes) return;
    this.lru.set(key, entry);
    const stats = this.counters.of(entry.meta.subgraph);
    stats.entries += 1;
    stats.bytes += bytes;
    this.total += bytes;
  }

  delete(key: string): void {
    this.lru.delete(key);
  }

  /** Deletes every entry `matches` accepts; returns how many. */
  deleteWhere(matches: (meta: EntryMeta) => boolean): number {
    const doomed: string[] = [];
    for (const [key, entry] of this.lru.entries()) if (matches(entry.meta)) doomed.push(key);
    for (const key of doomed) this.lru.delete(key);
    return doomed.length;
  }

  /** The fetch time of the oldest entry of `subgraph`; null with none. O(entries). */
  oldestFetchedAt(subgraph: string): number | null {
    let oldest: number | null = null;
    for (const entry of this.lru.values())
      if (entry.meta.subgraph === subgraph && (oldest === null || entry.fetchedAt < oldest))
        oldest = entry.fetchedAt;
    return oldest;
  }

  clear(): void {
    this.lru.clear();
  }

  get size(): number {
    return this.lru.size;
  }

  get bytes(): number {
    return this.total;
  }
}

function weight(key: string, entry: L1Entry): number {
  return Buffer.byteLength(entry.text) + Buffer.byteLength(key);
}

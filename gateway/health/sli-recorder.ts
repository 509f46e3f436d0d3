import { randomUUID } from 'node:crypto';
import type { SubgraphFetch } from '../common/types.js';
import { addFetch, emptyCounts, mergeCounts } from './latency-histogram.js';
import { memorySliStore } from './memory-sli-store.js';
import { bucketStart, TIER_NAMES, TIERS } from './sli-tiers.js';
import type { SliBatch, SliBucket, SliCounts, SliStore, TierName } from './slo-types.js';

export interface SliRecorderOptions {
  store: SliStore;
  /** How often deltas go to the store, off the request path. */
  flushIntervalMs: number;
  now?: () => number;
  /** Told of a flush that failed (its deltas are kept); once per outage, not per attempt. */
  onStoreDown?: (error: unknown) => void;
  onStoreUp?: () => void;
}

export interface SliRecorderStats {
  /** Fetches recorded since start. */
  readonly recorded: number;
  /** Fetches the store confirmed (applied, or found already applied). */
  readonly stored: number;
  /** A flush failed and its deltas wait in memory. */
  readonly degraded: boolean;
}

/** What a reader gets: buckets, and whether they are every replica's or only this one's. */
export interface SliReading {
  readonly buckets: SliBucket[];
  readonly source: 'shared' | 'replica';
}

export interface SliRecorder {
  /** The request path: adds a request's fetches to this replica's current 10-s bucket. */
  record(fetches: readonly SubgraphFetch[]): void;
  /** Sends what was recorded to the store; never throws (a failed flush keeps its deltas). */
  flush(): Promise<void>;
  /** The store's buckets; this replica's own when the shared store cannot be read. */
  read(product: string, tier: TierName, from: number, to: number): Promise<SliReading>;
  readonly stats: SliRecorderStats;
  readonly storeKind: SliStore['kind'];
  /** Stops the timer and flushes once more. */
  close(): Promise<void>;
}

interface Outbox {
  /** Deltas not yet in any batch, by `tier:start`. */
  unsent: Map<string, SliBucket>;
  /**
   * A batch whose write failed without an answer: it may have landed. It is retried as is,
   * with its id, until the store answers, so it is counted exactly once.
   */
  inDoubt: (SliBatch & { fetches: number }) | null;
}

/**
 * SLIs from live traffic. The request path only increments counters in this replica's current
 * 10-second bucket per product (no I/O, no allocation once the bucket exists); every
 * `flushIntervalMs` a timer rolls those into the 10 s, 5 min and 1 h tiers and sends one
 * batch per product to the store. A batch has an id the store applies once (Redis: a SET NX
 * marker in the same script), so a retry after a timeout never double counts; while the store
 * is down, new deltas merge into the unsent ones and go in one batch when it returns.
 * Beside a shared store, a memory copy of this replica's own numbers answers reads while
 * Redis cannot.
 */
export function sliRecorder(options: SliRecorderOptions): SliRecorder {
  const { store, now = Date.now } = options;
  const local = store.kind === 'memory' ? null : memorySliStore(now);
  const replica = randomUUID();
  let sequence = 0;
  // product → fine bucket start → counts: what record() writes to.
  let current = new Map<string, Map<number, SliCounts>>();
  let fineStart = -1;
  let fineBuckets = new Map<string, SliCounts>();
  const outboxes = new Map<string, Outbox>();
  let recorded = 0;
  let stored = 0;
  let degraded = false;
  let chain: Promise<void> = Promise.resolve();

  const timer = setInterval(() => void recorder.flush(), options.flushIntervalMs);
  timer.unref();

  const recorder: SliRecorder = {
    record(fetches) {
      if (fetches.length === 0) return;
      const time = now();
      const start = time - (time % TIERS['10s'].sizeMs);
      if (start !== fineStart) {
        fineStart = start;
        fineBuckets = new Map();
      }
      for (const fetch of fetches) {
        let counts = fineBuckets.get(fetch.subgraph);
        if (!counts) {
          counts = emptyCounts();
          fineBuckets.set(fetch.subgraph, counts);
          let byStart = current.get(fetch.subgraph);
          if (!byStart) current.set(fetch.subgraph, (byStart = new Map()));
          byStart.set(start, counts);
        }
        addFetch(counts, fetch.durationMs, fetch.ok);
      }
      recorded += fetches.length;
    },
    flush() {
      // One flush at a time, in order: a read waits for the flush before it (its own fetches included).
      chain = chain.then(flushOnce).catch(() => undefined);
      return chain;
    },
    async read(product, tier, from, to) {
      await recorder.flush();
      if (!local) return { buckets: await store.read(product, tier, from, to), source: 'replica' };
      try {
        return { buckets: await store.read(product, tier, from, to), source: 'shared' };
      } catch {
        return { buckets: await local.read(product, tier, from, to), source: 'replica' };
      }
    },
    get stats() {
      return { recorded, stored, degraded };
    },
    storeKind: store.kind,
    async close() {
      clearInterval(timer);
      await recorder.flush();
    },
  };
  return recorder;

  async function flushOnce(): Promise<void> {
    const taken = current;
    current = new Map();
    fineBuckets = new Map();
    fineStart = -1;
    const time = now();
    for (const [product, byStart] of taken) {
      const outbox = outboxOf(product);
      const taking: SliBucket[] = [];
      for (const [start, counts] of byStart)
        for (const tier of TIER_NAMES) {
          const tierStart = bucketStart(start, TIERS[tier]);
          taking.push({ tier, start: tierStart, counts });
          const key = `${tier}:${tierStart}`;
          const delta = outbox.unsent.get(key);
          if (delta) mergeCounts(delta.counts, counts);
          else outbox.unsent.set(key, { tier, start: tierStart, counts: mergeCounts(emptyCounts(), counts) });
        }
      // This replica's own copy takes every delta once, whatever the shared store does.
      await local?.add({ id: `local:${++sequence}`, product, deltas: taking });
    }
    let failure: unknown = null;
    for (const [product, outbox] of outboxes) {
      // Past its tier's retention a delta would expire at once: an outage that long drops it.
      for (const [key, delta] of outbox.unsent)
        if (delta.start + TIERS[delta.tier].sizeMs + TIERS[delta.tier].retentionMs < time)
          outbox.unsent.delete(key);
      try {
        if (outbox.inDoubt) {
          await store.add(outbox.inDoubt);
          stored += outbox.inDoubt.fetches;
          outbox.inDoubt = null;
        }
        if (outbox.unsent.size === 0) continue;
        const deltas = [...outbox.unsent.values()];
        outbox.unsent = new Map();
        const batch = { id: `${replica}:${++sequence}`, product, deltas, fetches: fetchesOf(deltas) };
        outbox.inDoubt = batch;
        await store.add(batch);
        stored += batch.fetches;
        outbox.inDoubt = null;
      } catch (error) {
        failure ??= error;
      }
    }
    if (failure !== null && !degraded) options.onStoreDown?.(failure);
    if (failure === null && degraded) options.onStoreUp?.();
    degraded = failure !== null;
  }

  function outboxOf(product: string): Outbox {
    let outbox = outboxes.get(product);
    if (!outbox) outboxes.set(product, (outbox = { unsent: new Map(), inDoubt: null }));
    return outbox;
  }
}

/** Fetches in a batch, counted on its finest tier (each fetch is in every tier once). */
function fetchesOf(deltas: readonly SliBucket[]): number {
  return deltas.filter((d) => d.tier === '10s').reduce((n, d) => n + d.counts.ok + d.counts.errors, 0);
}

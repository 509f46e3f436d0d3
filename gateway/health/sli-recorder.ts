import { randomUUID } from 'node:crypto';
import type { SubgraphFetch } from '../common/types.js';
import { addFetch, addOutcome, emptyCounts, mergeCounts } from './latency-histogram.js';
import { memorySliStore } from './memory-sli-store.js';
import { bucketStart, TIER_NAMES, TIERS } from './sli-tiers.js';
import type { SliBatch, SliBucket, SliCounts, SliSeries, SliStore, TierName } from './slo-types.js';

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
  /**
   * The request path: adds a request's fetches to this replica's current 10-s bucket, a fetch
   * the entity cache answered whole to the product's `cache` series, any other to `origin`.
   */
  record(fetches: readonly SubgraphFetch[]): void;
  /** The scheduled probe: one probe's outcome, in the product's `probe` series (no latency). */
  recordProbe(product: string, ok: boolean): void;
  /** Sends what was recorded to the store; never throws (a failed flush keeps its deltas). */
  flush(): Promise<void>;
  /** The store's buckets (of `origin` by default); this replica's own when the shared store cannot be read. */
  read(product: string, tier: TierName, from: number, to: number, series?: SliSeries): Promise<SliReading>;
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
  // series key (seriesKey) → fine bucket start → counts: what record() writes to.
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

  /** The start of the current fine bucket (a new bucket starts a new map). */
  const fineNow = (): number => {
    const time = now();
    const start = time - (time % TIERS['10s'].sizeMs);
    if (start !== fineStart) {
      fineStart = start;
      fineBuckets = new Map();
    }
    return start;
  };
  /** The counts of a series key in the fine bucket starting at `start` (from `fineNow()`). */
  const countsOf = (key: string, start: number): SliCounts => {
    let counts = fineBuckets.get(key);
    if (!counts) {
      counts = emptyCounts();
      fineBuckets.set(key, counts);
      let byStart = current.get(key);
      if (!byStart) current.set(key, (byStart = new Map()));
      byStart.set(start, counts);
    }
    return counts;
  };

  const recorder: SliRecorder = {
    record(fetches) {
      if (fetches.length === 0) return;
      const start = fineNow();
      for (const fetch of fetches)
        addFetch(
          countsOf(fetch.fromCache ? cacheKeyOf(fetch.subgraph) : fetch.subgraph, start),
          fetch.durationMs,
          fetch.ok,
        );
      recorded += fetches.length;
    },
    recordProbe(product, ok) {
      addOutcome(countsOf(`${product}${SEPARATOR}probe`, fineNow()), ok);
      recorded += 1;
    },
    flush() {
      // One flush at a time, in order: a read waits for the flush before it (its own fetches included).
      chain = chain.then(flushOnce).catch(() => undefined);
      return chain;
    },
    async read(product, tier, from, to, series = 'origin') {
      await recorder.flush();
      if (!local) return { buckets: await store.read(product, tier, from, to, series), source: 'replica' };
      try {
        return { buckets: await store.read(product, tier, from, to, series), source: 'shared' };
      } catch {
        return { buckets: await local.read(product, tier, from, to, series), source: 'replica' };
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
    for (const [key, byStart] of taken) {
      const { product, series } = parseKey(key);
      const outbox = outboxOf(key);
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
      await local?.add({ id: `local:${++sequence}`, product, series, deltas: taking });
    }
    let failure: unknown = null;
    for (const [key, outbox] of outboxes) {
      const { product, series } = parseKey(key);
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
        const batch = { id: `${replica}:${++sequence}`, product, series, deltas, fetches: fetchesOf(deltas) };
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

  function outboxOf(key: string): Outbox {
    let outbox = outboxes.get(key);
    if (!outbox) outboxes.set(key, (outbox = { unsent: new Map(), inDoubt: null }));
    return outbox;
  }
}

/**
 * A series' key in the recorder's maps: the product's name for `origin` (the request path's
 * common case builds no string), `<product>\u0000<series>` for the others.
 */
const SEPARATOR = '\u0000';
const cacheKeys = new Map<string, string>();
function cacheKeyOf(product: string): string {
  let key = cacheKeys.get(product);
  if (key === undefined) cacheKeys.set(product, (key = `${product}${SEPARATOR}cache`));
  return key;
}

function parseKey(key: string): { product: string; series: SliSeries } {
  const at = key.indexOf(SEPARATOR);
  if (at < 0) return { product: key, series: 'origin' };
  return { product: key.slice(0, at), series: key.slice(at + 1) as SliSeries };
}

/** Fetches in a batch, counted on its finest tier (each fetch is in every tier once). */
function fetchesOf(deltas: readonly SliBucket[]): number {
  return deltas.filter((d) => d.tier === '10s').reduce((n, d) => n + d.counts.ok + d.counts.errors, 0);
}

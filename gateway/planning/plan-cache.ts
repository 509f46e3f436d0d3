import { createHash } from 'node:crypto';
import type { QueryPlan } from '@apollo/query-planner';
import type { KeyValueCache } from '@apollo/utils.keyvaluecache';
import { LRUCache } from 'lru-cache';
import type { PlannerWorker } from './planner-worker.js';

/** An operation as the gateway's plan cache knows it: its text and the name the client sent. */
export interface PlannedOperation {
  readonly source: string;
  readonly operationName: string | null;
}

interface Entry {
  readonly plan: QueryPlan;
  readonly operation: PlannedOperation | null;
  /** Requests answered with this plan since it was stored: what makes it hot for a warm-up. */
  hits: number;
}

/** The counters the plan cache's metrics read (planning-metrics.ts). */
export interface PlanCacheStats {
  hits: number;
  misses: number;
  evictions: number;
  /** Cold plans built in the worker, and those past the deadline. */
  workerPlans: number;
  timeouts: number;
  /** Cold plans @apollo/gateway built in process (no operation registered, or the worker off). */
  inlinePlans: number;
  /** Plans installed by a warm-up when its supergraph swapped in. */
  warmed: number;
}

/**
 * @apollo/gateway's key for a plan (its executor computes the same): the sha256 of the
 * document, and of the operation name when the client sent one.
 */
export function planKey(source: string, operationName: string | null): string {
  const queryHash = createHash('sha256').update(source).digest('hex');
  return operationName
    ? createHash('sha256').update(queryHash).update(operationName).digest('hex')
    : queryHash;
}

/** The bytes a plan is charged: its JSON, as @apollo/gateway's own store sizes plans. */
export function planBytes(plan: QueryPlan): number {
  return Buffer.byteLength(JSON.stringify(plan), 'utf8');
}

/**
 * The gateway's query plan store (`queryPlannerConfig.cache`), bounded in bytes. @apollo/gateway
 * awaits `get` before it plans and plans synchronously on a miss; here a miss for an operation
 * the planning stage registered is planned in the worker thread instead, under the deadline,
 * and the gateway never plans it on the event loop. `clear()` is what the gateway calls when a
 * new supergraph swaps in: the plans a warm-up staged for that supergraph become the cache.
 */
export class PlanCache implements KeyValueCache<QueryPlan> {
  readonly stats: PlanCacheStats = {
    hits: 0,
    misses: 0,
    evictions: 0,
    workerPlans: 0,
    timeouts: 0,
    inlinePlans: 0,
    warmed: 0,
  };
  /** Cold planning times in the worker, for the histogram (drained by the metrics). */
  onPlanned: (ms: number) => void = () => undefined;
  private lru: LRUCache<string, Entry>;
  /** Operations of the requests in flight, by plan key: what a miss is planned from. */
  private readonly registered = new Map<string, { operation: PlannedOperation; count: number }>();
  private readonly inflight = new Map<string, Promise<QueryPlan>>();
  private staged: { sdl: string; plans: Map<string, Entry> } | null = null;
  /** Bumped at each swap: a plan the worker finishes for an earlier supergraph is never stored. */
  private generation = 0;
  private readonly stale = new WeakSet<QueryPlan>();
  private installing: string | null = null;

  constructor(
    readonly maxBytes: number,
    private readonly worker: () => PlannerWorker | null,
    private readonly timeoutMs: number,
  ) {
    this.lru = this.make();
  }

  get bytes(): number {
    return this.lru.calculatedSize;
  }

  get size(): number {
    return this.lru.size;
  }

  /** The request of `operation` is about to reach the gateway's executor; `done` when it left. */
  register(operation: PlannedOperation, queryHash: string): () => void {
    const key = operation.operationName
      ? createHash('sha256').update(queryHash).update(operation.operationName).digest('hex')
      : queryHash;
    const held = this.registered.get(key);
    if (held) held.count += 1;
    else this.registered.set(key, { operation, count: 1 });
    return () => {
      const now = this.registered.get(key);
      if (now && --now.count === 0) this.registered.delete(key);
    };
  }

  async get(key: string): Promise<QueryPlan | undefined> {
    const entry = this.lru.get(key);
    if (entry) {
      this.stats.hits += 1;
      entry.hits += 1;
      return entry.plan;
    }
    this.stats.misses += 1;
    const operation = this.registered.get(key)?.operation;
    const worker = this.worker();
    if (!operation || !worker) {
      this.stats.inlinePlans += 1;
      return undefined; // the gateway plans it in process, as stock does
    }
    // Identical cold requests at once share one plan.
    let planning = this.inflight.get(key);
    if (!planning) {
      const generation = this.generation;
      planning = worker
        .plan(operation.source, operation.operationName, this.timeoutMs)
        .then(({ plan, ms }) => {
          this.stats.workerPlans += 1;
          this.onPlanned(ms);
          // Its request runs it (it began on that supergraph); the new one's cache never holds it.
          if (generation === this.generation) this.store(key, plan, operation, 1);
          else this.stale.add(plan);
          return plan;
        })
        .finally(() => this.inflight.delete(key));
      this.inflight.set(key, planning);
    }
    return planning;
  }

  async set(key: string, plan: QueryPlan): Promise<void> {
    // Stored already (a worker plan the gateway hands back), or planned on a supergraph swapped out since.
    if (this.lru.has(key) || this.stale.has(plan)) return;
    this.store(key, plan, this.registered.get(key)?.operation ?? null, 1);
  }

  async delete(key: string): Promise<boolean> {
    return this.lru.delete(key);
  }

  /** Called by @apollo/gateway as a new supergraph swaps in: old plans are void. */
  clear(): void {
    const staged = this.staged;
    this.generation += 1;
    this.inflight.clear();
    this.lru = this.make();
    if (staged && staged.sdl === this.installing) {
      for (const [key, entry] of staged.plans) this.lru.set(key, entry);
      this.stats.warmed += staged.plans.size;
    }
    this.staged = null;
    this.installing = null;
  }

  /** The operations served most, most first: what a warm-up of the next supergraph plans. */
  hot(limit: number): { operation: PlannedOperation; hits: number }[] {
    const hot: { operation: PlannedOperation; hits: number }[] = [];
    for (const entry of this.lru.values())
      if (entry.operation) hot.push({ operation: entry.operation, hits: entry.hits });
    return hot.sort((a, b) => b.hits - a.hits).slice(0, limit);
  }

  /** Plans built ahead for the supergraph `sdl`, installed by the `clear()` that swaps it in. */
  stage(
    sdl: string,
    plans: ReadonlyMap<string, { plan: QueryPlan; operation: PlannedOperation; hits: number }>,
  ): void {
    this.staged = { sdl, plans: new Map([...plans].map(([k, v]) => [k, { ...v }])) };
  }

  /** The supergraph about to swap in (the next `clear()` is its swap). */
  swapping(sdl: string | null): void {
    this.installing = sdl;
  }

  private store(key: string, plan: QueryPlan, operation: PlannedOperation | null, hits: number): void {
    this.lru.set(key, { plan, operation, hits });
  }

  private make(): LRUCache<string, Entry> {
    return new LRUCache<string, Entry>({
      maxSize: this.maxBytes,
      sizeCalculation: (entry) => Math.max(1, planBytes(entry.plan)),
      dispose: (_value, _key, reason) => {
        if (reason === 'evict') this.stats.evictions += 1;
      },
    });
  }
}

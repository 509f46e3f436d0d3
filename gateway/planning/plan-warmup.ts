import type { QueryPlan } from '@apollo/query-planner';
import { createHash } from 'node:crypto';
import type { LineageStore } from '../lineage/types.js';
import type { Safelist } from '../persisted/types.js';
import { planKey, type PlanCache, type PlannedOperation } from './plan-cache.js';
import type { PlannerWorker } from './planner-worker.js';

/** Where the operations a new supergraph will see come from. */
export interface WarmupSources {
  readonly cache: PlanCache;
  /** The published manifest (SAFELIST_PATH), whether or not safelist mode refuses others. */
  readonly safelist: Safelist | null;
  /** The lineage store: the most frequent operations of the last hour, across every replica. */
  readonly lineage: LineageStore | null;
}

export interface WarmupResult {
  readonly planned: number;
  readonly failed: number;
  /** Frequent operations in lineage whose text this gateway does not know (not planned). */
  readonly unknown: number;
  readonly ms: number;
  readonly timedOut: boolean;
}

const HOUR_MS = 3_600_000;
/** Lineage events read to rank the hour's operations (the newest of them). */
const LINEAGE_SAMPLE = 20_000;

/**
 * The operations to warm, most frequent first: this replica's hot plans, the lineage of the
 * last hour (every replica's traffic; an operation is planned when its text is known here, from
 * the manifest or this replica's cache: lineage records only hashes), then the manifest.
 */
export async function warmupOperations(
  sources: WarmupSources,
  limit: number,
): Promise<{ operations: { operation: PlannedOperation; hits: number }[]; unknown: number }> {
  const byHash = new Map<string, { operation: PlannedOperation; hits: number }>();
  const hashOf = (source: string) => createHash('sha256').update(source).digest('hex');
  for (const hot of sources.cache.hot(limit)) byHash.set(hashOf(hot.operation.source), { ...hot });
  const manifest = new Map<string, string>(sources.safelist?.operations ?? []);
  let unknown = 0;
  if (sources.lineage) {
    const counts = new Map<string, number>();
    const events = await sources.lineage
      .query({ since: Date.now() - HOUR_MS, limit: LINEAGE_SAMPLE })
      .catch(() => []);
    for (const event of events) {
      const hash = event.operation.hash;
      if (hash) counts.set(hash, (counts.get(hash) ?? 0) + 1);
    }
    for (const [hash, count] of counts) {
      const known = byHash.get(hash);
      if (known) known.hits = Math.max(known.hits, count);
      else {
        const body = manifest.get(hash);
        if (body) byHash.set(hash, { operation: { source: body, operationName: null }, hits: count });
        else unknown += 1;
      }
    }
  }
  for (const [hash, body] of manifest) {
    if (!byHash.has(hash)) byHash.set(hash, { operation: { source: body, operationName: null }, hits: 0 });
  }
  const operations = [...byHash.values()].sort((a, b) => b.hits - a.hits).slice(0, limit);
  return { operations, unknown };
}

/**
 * Plans `operations` on `sdl` in `worker` (staged beside the supergraph in service), within
 * `timeoutMs` in all, and stages the plans in the cache for the swap. What was not planned by
 * then is planned cold. Each plan is held to the requests' planning deadline too
 * (`planTimeoutMs`): the warm-up shares the thread with the supergraph in service, and a plan
 * stopped at its deadline restarts the thread and rebuilds both planners.
 */
export async function warmUp(
  worker: PlannerWorker,
  sdl: string,
  cache: PlanCache,
  operations: readonly { operation: PlannedOperation; hits: number }[],
  timeoutMs: number,
  planTimeoutMs: number,
): Promise<Omit<WarmupResult, 'unknown'>> {
  const started = performance.now();
  const deadline = started + timeoutMs;
  const plans = new Map<string, { plan: QueryPlan; operation: PlannedOperation; hits: number }>();
  let failed = 0;
  let timedOut = false;
  const left = () => Math.max(1, Math.round(deadline - performance.now()));
  try {
    await withDeadline(worker.stage(sdl), left());
    for (const { operation, hits } of operations) {
      if (performance.now() >= deadline) {
        timedOut = true;
        break;
      }
      try {
        const { plan } = await worker.planStaged(
          operation.source,
          operation.operationName,
          Math.min(left(), planTimeoutMs),
        );
        plans.set(planKey(operation.source, operation.operationName), { plan, operation, hits });
      } catch {
        failed += 1;
      }
    }
  } catch {
    timedOut = true;
  }
  cache.stage(sdl, plans);
  return { planned: plans.size, failed, ms: performance.now() - started, timedOut };
}

function withDeadline<T>(promise: Promise<T>, ms: number): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('warm-up deadline')), ms);
    promise.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error instanceof Error ? error : new Error(String(error)));
      },
    );
  });
}

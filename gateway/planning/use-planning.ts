import type { SupergraphManager } from '@apollo/gateway';
import type { QueryPlannerConfig } from '@apollo/query-planner';
import { print } from 'graphql';
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import { ErrorCode, MeshgateGraphQLError, httpExtension, messageOf } from '../common/errors.js';
import type { Logger } from '../common/logger.js';
import type { LineageStore } from '../lineage/types.js';
import type { Safelist } from '../persisted/types.js';
import type { Stage } from '../pipeline/types.js';
import { PlanCache } from './plan-cache.js';
import { warmUp, warmupOperations } from './plan-warmup.js';
import { PlannerWorker, PlanningTimeout } from './planner-worker.js';
import type { PlanningConfig } from './planning-config.js';

export interface UsePlanningOptions {
  readonly config: PlanningConfig;
  readonly registry: Registry;
  readonly logger: Logger;
  readonly safelist: Safelist | null;
  readonly lineage: LineageStore | null;
}

/** The planning stage, and what server.ts hands @apollo/gateway and the supergraph source. */
export interface Planning extends Stage {
  /** @apollo/gateway's `queryPlannerConfig`: the byte-bounded plan store. */
  readonly plannerConfig: QueryPlannerConfig;
  readonly cache: PlanCache;
  /**
   * A reloading supergraph source whose every new supergraph is warmed before it swaps in
   * (PLAN_WARMUP=on): its hot operations planned in the planner thread, beside the supergraph
   * in service, for at most PLAN_WARMUP_TIMEOUT_MS. Swaps stay in publish order.
   */
  withWarmup(supergraph: string | SupergraphManager): string | SupergraphManager;
}

/**
 * Bounded query planning. @apollo/gateway plans synchronously in its executor, on the event
 * loop: a plan that explodes on a large supergraph stalls every request of the process. With
 * QUERY_PLANNING_TIMEOUT_MS set, a cold plan is built in a worker thread instead (plan-cache.ts
 * answers the gateway's cache lookup with it) and abandoned at the deadline, the request
 * answered QUERY_PLANNING_TIMEOUT; the plan cache is bounded in bytes, and a reload warms the
 * hot operations' plans before the new supergraph takes traffic.
 */
export function usePlanning({ config, registry, logger, safelist, lineage }: UsePlanningOptions): Planning {
  const bounded = config.timeoutMs > 0;
  let threadsStarted = 0;
  const newWorker = () => new PlannerWorker({}, () => (threadsStarted += 1));
  const current: PlannerWorker | null = bounded ? newWorker() : null;
  const cache = new PlanCache(config.cacheMaxBytes, () => current, config.timeoutMs);
  const metrics = planningMetrics(registry, cache, () => threadsStarted);
  cache.onPlanned = (ms) => metrics.planSeconds.observe(ms / 1000);

  /** The supergraph in service (the last the gateway loaded). */
  let served: string | null = null;
  let swaps: Promise<void> = Promise.resolve();
  const prepare = async (sdl: string): Promise<void> => {
    if (!current) return;
    const { operations, unknown } = await warmupOperations(
      { cache, safelist, lineage },
      config.warmupMaxOperations,
    );
    const result = await warmUp(current, sdl, cache, operations, config.warmupTimeoutMs, config.timeoutMs);
    metrics.warmedPlans.inc(result.planned);
    metrics.warmupSeconds.observe(result.ms / 1000);
    if (result.timedOut) metrics.warmupTimeouts.inc();
    logger.info(
      { ...result, unknown, operations: operations.length },
      'query plans warmed for the new supergraph',
    );
    cache.swapping(sdl);
  };

  return {
    name: 'planning',
    plannerConfig: { cache },
    cache,
    withWarmup(supergraph) {
      if (!config.warmup || typeof supergraph === 'string') return supergraph;
      return {
        async initialize(options) {
          return supergraph.initialize({
            ...options,
            update: (sdl) => {
              swaps = swaps
                // A source may hand over the supergraph already in service again (the registry's
                // first poll does): the gateway ignores it, so there is nothing to warm.
                .then(() => (sdl === served ? undefined : prepare(sdl)))
                .catch((error: unknown) => logger.warn({ err: error }, 'plan warm-up failed; swapping cold'))
                .then(() => options.update(sdl))
                .catch((error: unknown) =>
                  logger.error({ err: error }, 'the new supergraph did not load; keeping the one in service'),
                );
            },
          });
        },
      };
    },
    async authorize(_state, _operation, request, next) {
      if (!current) return next(request);
      // The gateway plans `request.document`, keyed by its queryHash and the operation name the
      // client sent (`request.request`; `request.operationName` is the resolved one).
      const done = cache.register(
        {
          source: request.source ?? print(request.document),
          operationName: request.request.operationName ?? null,
        },
        request.queryHash,
      );
      try {
        return await next(request);
      } catch (error) {
        if (!(error instanceof PlanningTimeout)) throw error;
        cache.stats.timeouts += 1;
        return {
          errors: [
            new MeshgateGraphQLError(
              ErrorCode.QUERY_PLANNING_TIMEOUT,
              `${messageOf(ErrorCode.QUERY_PLANNING_TIMEOUT)} (${error.timeoutMs} ms)`,
              { http: httpExtension(ErrorCode.QUERY_PLANNING_TIMEOUT) },
            ),
          ],
        };
      } finally {
        done();
      }
    },
    onSchemaChange(model) {
      served = model.sdl;
      // The warmed supergraph is the one swapping in: its planner is built already.
      if (!current || current.activate(model.sdl) || current.supergraphSdl === model.sdl) return;
      void current
        .load(model.sdl)
        .catch((error: unknown) =>
          logger.error({ err: error }, 'the planner worker cannot load the supergraph'),
        );
    },
    async close() {
      await current?.close();
    },
  };
}

function planningMetrics(registry: Registry, cache: PlanCache, threadsStarted: () => number) {
  const counter = (name: string, help: string, read: () => number) =>
    new Counter({
      name,
      help,
      registers: [registry],
      collect() {
        this.reset();
        this.inc(read());
      },
    });
  counter('meshgate_query_plan_cache_hits_total', 'Plans served from the plan cache', () => cache.stats.hits);
  counter(
    'meshgate_query_plan_cache_misses_total',
    'Plan cache lookups that planned cold',
    () => cache.stats.misses,
  );
  counter(
    'meshgate_query_plan_cache_evictions_total',
    'Plans evicted by the byte bound',
    () => cache.stats.evictions,
  );
  counter(
    'meshgate_query_plans_worker_total',
    'Cold plans built in the planner worker',
    () => cache.stats.workerPlans,
  );
  counter(
    'meshgate_query_plans_inline_total',
    'Cold plans built on the event loop by @apollo/gateway',
    () => cache.stats.inlinePlans,
  );
  counter(
    'meshgate_query_planner_threads_started_total',
    'Planner worker threads started (one, and one more after each deadline that stopped a plan)',
    threadsStarted,
  );
  counter(
    'meshgate_query_planning_timeouts_total',
    'Operations refused past QUERY_PLANNING_TIMEOUT_MS',
    () => cache.stats.timeouts,
  );
  new Gauge({
    name: 'meshgate_query_plan_cache_bytes',
    help: 'Bytes of plans held (bounded by QUERY_PLAN_CACHE_MAX_BYTES)',
    registers: [registry],
    collect() {
      this.set(cache.bytes);
    },
  });
  new Gauge({
    name: 'meshgate_query_plan_cache_entries',
    help: 'Plans held in the plan cache',
    registers: [registry],
    collect() {
      this.set(cache.size);
    },
  });
  return {
    planSeconds: new Histogram({
      name: 'meshgate_query_planning_seconds',
      help: 'Cold planning time in the planner worker',
      buckets: [0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 10],
      registers: [registry],
    }),
    warmedPlans: new Counter({
      name: 'meshgate_query_plans_warmed_total',
      help: 'Plans built for a new supergraph before it took traffic',
      registers: [registry],
    }),
    warmupSeconds: new Histogram({
      name: 'meshgate_query_plan_warmup_seconds',
      help: 'Time a new supergraph waited for its plan warm-up',
      buckets: [0.05, 0.1, 0.5, 1, 2, 5, 10, 30],
      registers: [registry],
    }),
    warmupTimeouts: new Counter({
      name: 'meshgate_query_plan_warmup_timeouts_total',
      help: 'Warm-ups cut short by PLAN_WARMUP_TIMEOUT_MS (the rest planned cold)',
      registers: [registry],
    }),
  };
}

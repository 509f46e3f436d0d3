import { z } from 'zod';

/** Query planning: its deadline, the plan cache's byte bound, and the warm-up before a reload swaps. */
export interface PlanningConfig {
  /**
   * Cold plans are built in a worker thread and abandoned past this many milliseconds, so a
   * plan that explodes on a large supergraph never blocks the event loop; 0: off, plans are
   * built in process by @apollo/gateway as stock does (no second copy of the schema in memory).
   */
  readonly timeoutMs: number;
  /** The plan cache's bound, in bytes of the plans' JSON (what @apollo/gateway sizes plans by). */
  readonly cacheMaxBytes: number;
  /** Plan the hot operations on a new supergraph before it takes traffic (needs the worker). */
  readonly warmup: boolean;
  /** The longest a new supergraph waits for its warm-up before it swaps in anyway. */
  readonly warmupTimeoutMs: number;
  /** At most this many operations are warmed (the most frequent first). */
  readonly warmupMaxOperations: number;
}

/**
 * The environment variables of query planning, as zod fields `gateway/config/config.ts` adds
 * to its schema. Nothing here reads `process.env`.
 */
export const planningEnv = {
  QUERY_PLANNING_TIMEOUT_MS: z.coerce
    .number({ error: 'must be a number of milliseconds' })
    .int('must be an integer')
    .min(0, 'must be 0 (off) or more')
    .default(0),
  QUERY_PLAN_CACHE_MAX_BYTES: z.coerce
    .number({ error: 'must be a number of bytes' })
    .int('must be an integer')
    .min(1024, 'must be at least 1024')
    .default(30 * 1024 * 1024),
  PLAN_WARMUP: z.enum(['on', 'off']).default('on'),
  PLAN_WARMUP_TIMEOUT_MS: z.coerce
    .number({ error: 'must be a number of milliseconds' })
    .int('must be an integer')
    .min(0, 'must be 0 or more')
    .default(10_000),
  PLAN_WARMUP_MAX_OPERATIONS: z.coerce
    .number({ error: 'must be a number' })
    .int('must be an integer')
    .min(0, 'must be 0 or more')
    .default(500),
};

type PlanningEnv = z.infer<z.ZodObject<typeof planningEnv>>;

export function planningConfig(e: PlanningEnv): PlanningConfig {
  return Object.freeze({
    timeoutMs: e.QUERY_PLANNING_TIMEOUT_MS,
    cacheMaxBytes: e.QUERY_PLAN_CACHE_MAX_BYTES,
    // Warm-up plans in the worker: without one (timeout off) there is nothing to plan with off the loop.
    warmup: e.PLAN_WARMUP === 'on' && e.QUERY_PLANNING_TIMEOUT_MS > 0,
    warmupTimeoutMs: e.PLAN_WARMUP_TIMEOUT_MS,
    warmupMaxOperations: e.PLAN_WARMUP_MAX_OPERATIONS,
  });
}

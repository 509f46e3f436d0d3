import { z } from 'zod';
import type { RedisConnection } from '../redis/redis-config.js';

/**
 * The environment variables of SLI recording, as zod fields `gateway/config/config.ts` adds to
 * its schema (validated once at start with the rest, then frozen).
 */
export const sliEnv = {
  /** `off`: no SLIs, no data product gauges (the benchmark's "SLIs off" contender). */
  MESHGATE_SLI: z.enum(['on', 'off']).default('on'),
  /** How often a replica's SLI deltas go to Redis (or the memory store), off the request path. */
  SLI_FLUSH_MS: z.coerce
    .number({ error: 'must be a number of milliseconds' })
    .int('must be an integer')
    .min(100, 'must be from 100 to 60000')
    .max(60_000, 'must be from 100 to 60000')
    .default(5_000),
  /** Every SLI key starts with it; each product's keys then carry its own hash tag (`{orders}`). */
  SLI_PREFIX: z.string().min(1).default('meshgate:sli:'),
};

type SliEnv = z.infer<z.ZodObject<typeof sliEnv>>;

export interface SliConfig {
  readonly enabled: boolean;
  /** Redis for the SLIs of every replica; this process's memory when absent. */
  readonly redis: RedisConnection | undefined;
  readonly flushIntervalMs: number;
  readonly prefix: string;
}

export function sliConfig(e: SliEnv, redis: RedisConnection | undefined): SliConfig {
  return Object.freeze({
    enabled: e.MESHGATE_SLI === 'on',
    redis,
    flushIntervalMs: e.SLI_FLUSH_MS,
    prefix: e.SLI_PREFIX,
  });
}

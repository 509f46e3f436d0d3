import { z } from 'zod';
import type { RedisConnection } from '../redis/redis-config.js';
import type { LimitsConfig } from './types.js';

/**
 * The environment variables of the request limits, as zod fields `gateway/config/config.ts` adds to
 * its schema (validated once at start with the rest, then frozen). Nothing here reads
 * `process.env`.
 */

const count = (what: string, min: number) =>
  z.coerce
    .number({ error: `must be a number of ${what}` })
    .int('must be an integer')
    .min(min, `must be at least ${min}`);

export const limitsEnv = {
  MAX_DEPTH: count('levels', 1).default(12),
  MAX_ALIASES: count('aliases', 0).default(30),
  MAX_ROOT_FIELDS: count('fields', 1).default(10),
  MAX_TOKENS: count('tokens', 10).default(5_000),
  MAX_COST: count('points', 1).default(50_000),
  COST_LIST_SIZE: count('items', 1).default(10),
  MAX_BODY_BYTES: count('bytes', 1_024).default(1_048_576),
  MAX_BATCH: count('operations', 1).default(10),
  /** Operations per principal per window; 0 (the default) turns rate limiting off. */
  RATE_LIMIT_POINTS: count('operations', 0).default(0),
  RATE_LIMIT_WINDOW_SECONDS: count('seconds', 1).default(60),
  RATE_LIMIT_PREFIX: z.string().min(1).default('meshgate:ratelimit:'),
};

type LimitsEnv = z.infer<z.ZodObject<typeof limitsEnv>>;

export function limitsConfig(e: LimitsEnv, redis: RedisConnection | undefined): LimitsConfig {
  return Object.freeze({
    maxDepth: e.MAX_DEPTH,
    maxAliases: e.MAX_ALIASES,
    maxRootFields: e.MAX_ROOT_FIELDS,
    maxTokens: e.MAX_TOKENS,
    maxCost: e.MAX_COST,
    costListSize: e.COST_LIST_SIZE,
    maxBodyBytes: e.MAX_BODY_BYTES,
    maxBatch: e.MAX_BATCH,
    rateLimit: Object.freeze({
      points: e.RATE_LIMIT_POINTS,
      windowSeconds: e.RATE_LIMIT_WINDOW_SECONDS,
      redis,
      prefix: e.RATE_LIMIT_PREFIX,
    }),
  });
}

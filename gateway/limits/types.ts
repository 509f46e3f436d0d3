/** The limits module's public contracts: what each limit is and where the rate-limit state lives. */
import type { RedisConnection } from '../redis/redis-config.js';

export interface RateLimitConfig {
  /** Operations a principal may send per window; 0 turns rate limiting off. */
  readonly points: number;
  readonly windowSeconds: number;
  /** Counters live in Redis under this prefix; in memory without Redis. */
  readonly redis: RedisConnection | undefined;
  readonly prefix: string;
}

export interface LimitsConfig {
  /** Deepest field nesting; introspection (`__schema`, `__type`) is not counted. */
  readonly maxDepth: number;
  /** Aliases in one document. */
  readonly maxAliases: number;
  /** Root fields of one operation (fragments at the root expanded). */
  readonly maxRootFields: number;
  /** Lexical tokens of one document; parsing stops at the limit. */
  readonly maxTokens: number;
  /** Estimated cost (see cost-rule.ts); introspection is not counted. */
  readonly maxCost: number;
  /** The list size the cost estimate assumes when no `first`/`last`/`limit` literal says. */
  readonly costListSize: number;
  /** Bytes of one HTTP request body. */
  readonly maxBodyBytes: number;
  /** Operations in one batched HTTP request; 1 turns batching off. */
  readonly maxBatch: number;
  readonly rateLimit: RateLimitConfig;
}

import {
  RateLimiterMemory,
  RateLimiterRedis,
  RateLimiterRes,
  type RateLimiterAbstract,
} from 'rate-limiter-flexible';
import type { RequestState } from '../pipeline/request-state.js';
import { ErrorCode } from '../common/errors.js';
import type { Logger } from '../common/logger.js';
import type { Principal } from '../common/types.js';
import { failFastRedis, firstConnection } from '../redis/fail-fast-redis.js';
import { limitError } from './limit-error.js';
import type { RateLimitConfig } from './types.js';
import type { RedisClient } from '../redis/redis-client.js';

export interface RateLimiterOptions {
  config: RateLimitConfig;
  logger?: Logger | undefined;
}

export interface RateLimiter {
  /** Takes one point of the principal's budget; throws 429 RATE_LIMITED beyond it. */
  consume(state: RequestState): Promise<void>;
  close(): void;
}

/**
 * Rate limits per principal: each operation (each one of a batch) consumes one point of its
 * principal's budget of `points` per `windowSeconds`; beyond it, 429 RATE_LIMITED with
 * Retry-After. Anonymous callers share one budget. The counters are kept in Redis (shared by
 * every gateway replica); while Redis is down an in-memory limiter per replica stands in
 * (rate-limiter-flexible's insurance limiter), so an outage neither blocks nor unlimits traffic.
 * The first Redis connection is briefly waited for.
 */
export async function openRateLimiter({ config, logger }: RateLimiterOptions): Promise<RateLimiter> {
  const memory = new RateLimiterMemory({ points: config.points, duration: config.windowSeconds });
  let redis: RedisClient | null = null;
  let limiter: RateLimiterAbstract = memory;
  if (config.redis) {
    redis = failFastRedis(config.redis, 'rate limit', logger);
    await firstConnection(redis);
    limiter = new RateLimiterRedis({
      storeClient: redis,
      keyPrefix: config.prefix.replace(/:$/, ''),
      points: config.points,
      duration: config.windowSeconds,
      rejectIfRedisNotReady: true,
      insuranceLimiter: memory,
    });
  }
  return {
    async consume(state) {
      // One @defer operation is one operation: its initial part counts it (defer/).
      if (state.deferPart?.role === 'deferred') return;
      try {
        await limiter.consume(keyOf(state.principal));
      } catch (outcome) {
        if (!(outcome instanceof RateLimiterRes)) throw outcome;
        const retryAfter = Math.max(1, Math.ceil(outcome.msBeforeNext / 1_000));
        throw limitError(
          ErrorCode.RATE_LIMITED,
          `Rate limit of ${config.points} operations per ${config.windowSeconds} s exceeded; retry in ${retryAfter} s`,
          { retryAfterSeconds: retryAfter },
          { 'retry-after': String(retryAfter) },
        );
      }
    },
    close: () => void redis?.disconnect(),
  };
}

function keyOf(principal: Principal): string {
  return principal.anonymous ? 'anonymous' : `sub:${principal.sub}`;
}

import type { Logger } from '../common/logger.js';
import type { Stage } from '../pipeline/types.js';
import { limitRules } from './limit-rules.js';
import { openRateLimiter } from './rate-limiter.js';
import type { LimitsConfig } from './types.js';

export interface UseLimitsOptions {
  readonly limits: LimitsConfig;
  readonly logger?: Logger | undefined;
}

/**
 * The limits stage: tokens while parsing, depth, aliases, root fields and cost as validation
 * rules, batches allowed only when MAX_BATCH > 1 (their size is checked at the HTTP stage),
 * and, once the operation is resolved, the rate per principal (RATE_LIMIT_POINTS > 0).
 */
export async function useLimits({ limits, logger }: UseLimitsOptions): Promise<Stage> {
  const rate =
    limits.rateLimit.points > 0 ? await openRateLimiter({ config: limits.rateLimit, logger }) : null;
  return {
    name: 'limits',
    apollo: {
      validationRules: limitRules(limits),
      parseOptions: { maxTokens: limits.maxTokens },
      allowBatchedHttpRequests: limits.maxBatch > 1,
    },
    ...(rate && {
      onOperation: (state) => rate.consume(state),
      close: () => rate.close(),
    }),
  };
}

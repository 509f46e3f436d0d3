/** Request limits: validation rules (depth, aliases, root fields, cost), tokens, batches, rate limits (body size is http/). */
export type * from './types.js';
export { limitsEnv, limitsConfig } from './limits-config.js';
export { depthLimitRule } from './depth-rule.js';
export { aliasLimitRule } from './alias-rule.js';
export { rootFieldsLimitRule } from './root-fields-rule.js';
export { costLimitRule, type CostOptions } from './cost-rule.js';
export { withLimitCodes } from './limit-codes.js';
export { openRateLimiter, type RateLimiter, type RateLimiterOptions } from './rate-limiter.js';
export { useLimits, type UseLimitsOptions } from './use-limits.js';
export { failFastRedis } from '../redis/fail-fast-redis.js';
export { limitRules } from './limit-rules.js';

import { z } from 'zod';
import { ErrorCode, StartupError } from '../common/errors.js';
import type { RedisConnection } from '../redis/redis-config.js';
import type { PersistedConfig } from './types.js';

/**
 * The environment variables of persisted operations, as zod fields `gateway/config/config.ts` adds
 * to its schema. Nothing here reads `process.env`.
 */
export const persistedEnv = {
  /** Automatic persisted queries: `on` (default) or `off`. */
  APQ: z.enum(['on', 'off']).default('on'),
  APQ_TTL_SECONDS: z.coerce
    .number({ error: 'must be a number of seconds' })
    .int('must be an integer')
    .min(1, 'must be at least 1')
    .default(86_400),
  APQ_PREFIX: z.string().min(1).default('meshgate:apq:'),
  /** `on`: refuse any operation not in the published manifest SAFELIST_PATH. */
  SAFELIST: z.enum(['on', 'off']).default('off'),
  SAFELIST_PATH: z.string().min(1).optional(),
};

type PersistedEnv = z.infer<z.ZodObject<typeof persistedEnv>>;

export function persistedConfig(
  e: PersistedEnv,
  absolute: (path: string) => string,
  redis: RedisConnection | undefined,
): PersistedConfig {
  if (e.SAFELIST === 'on' && !e.SAFELIST_PATH) {
    throw new StartupError(
      ErrorCode.CONFIG_INVALID,
      'invalid configuration: SAFELIST=on needs SAFELIST_PATH, the published operation manifest',
    );
  }
  return Object.freeze({
    apq: e.APQ === 'on',
    apqTtlSeconds: e.APQ_TTL_SECONDS,
    apqPrefix: e.APQ_PREFIX,
    redis,
    safelist: e.SAFELIST === 'on',
    safelistPath: e.SAFELIST_PATH ? absolute(e.SAFELIST_PATH) : undefined,
  });
}

import { join } from 'node:path';
import { z } from 'zod';
import type { RedisConnection } from '../redis/redis-config.js';

/**
 * Access requests and grants (gateway/access/): environment variables as zod fields that
 * gateway/config/config.ts adds to its schema. Nothing here reads `process.env`.
 */
export const accessEnv = {
  /** Where approved grants are written and read; `<POLICY_DIR>/grants` when absent. */
  GRANTS_DIR: z.string().min(1).optional(),
  /** The key grant files are signed with (HMAC-SHA256); one derived from the development key when absent. */
  GRANT_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
  /** The longest duration a request may ask for, in days. */
  ACCESS_MAX_DAYS: z.coerce
    .number({ error: 'must be a number of days' })
    .int('must be an integer')
    .min(1, 'must be at least 1')
    .default(90),
};

type AccessEnv = z.infer<z.ZodObject<typeof accessEnv>>;

export interface AccessConfig {
  readonly grantsDir: string;
  readonly grantSecret: string | undefined;
  readonly maxDurationSeconds: number;
  /** Requests, the audit log and grant notices; a file under the state directory without it. */
  readonly redis: RedisConnection | undefined;
  /** Where the file store keeps requests and the audit log: `<MESHGATE_STATE_DIR>/access`. */
  readonly stateDir: string;
}

export function accessConfig(
  e: AccessEnv,
  paths: { absolute: (path: string) => string; policyDir: string; stateDir: string },
  redis: RedisConnection | undefined,
): AccessConfig {
  return Object.freeze({
    grantsDir: e.GRANTS_DIR ? paths.absolute(e.GRANTS_DIR) : join(paths.policyDir, 'grants'),
    grantSecret: e.GRANT_SECRET,
    maxDurationSeconds: e.ACCESS_MAX_DAYS * 86_400,
    redis,
    stateDir: paths.stateDir,
  });
}

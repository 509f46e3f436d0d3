import { resolve } from 'node:path';
import { z } from 'zod';
import type { RedisConnection } from '../redis/redis-config.js';

/**
 * The quality runner's and the freshness probe's environment variables, as zod fields
 * `gateway/config/config.ts` adds to its schema. Nothing here reads `process.env`.
 */
const UNIT_MS: Record<string, number> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000 };

const interval = (fallback: string) =>
  z
    .string()
    .default(fallback)
    .transform((text, ctx) => {
      const match = /^(\d+)(ms|s|m|h)$/.exec(text.trim());
      const ms = match ? Number(match[1]) * UNIT_MS[match[2]!]! : Number.NaN;
      if (!(ms >= 1_000 && ms <= 86_400_000)) {
        ctx.addIssue({ code: 'custom', message: 'must be a duration from 1s to 24h, such as 30s, 5m or 1h' });
        return z.NEVER;
      }
      return ms;
    });

export const qualityEnv = {
  /** `on`: the mesh runs every product's quality rules and freshness probe on a schedule. */
  MESHGATE_QUALITY: z.enum(['on', 'off']).default('on'),
  MESHGATE_QUALITY_INTERVAL: interval('5m'),
  MESHGATE_FRESHNESS_INTERVAL: interval('1m'),
  /** The bound of one rule's statement (SET LOCAL statement_timeout). */
  MESHGATE_QUALITY_TIMEOUT_MS: z.coerce
    .number({ error: 'must be a number of milliseconds' })
    .int('must be an integer')
    .min(10, 'must be from 10 to 600000')
    .max(600_000, 'must be from 10 to 600000')
    .default(5_000),
  /** Results kept per rule (and freshness readings per product). */
  MESHGATE_QUALITY_HISTORY: z.coerce
    .number({ error: 'must be a number of results' })
    .int('must be an integer')
    .min(1, 'must be from 1 to 10000')
    .max(10_000, 'must be from 1 to 10000')
    .default(100),
  MESHGATE_QUALITY_PREFIX: z.string().min(1).default('meshgate:{quality}:'),
  /**
   * Where credentials files of products' `servers` entries live, one folder per product
   * (postgres-server.ts); a contract names a file in its own product's folder only.
   */
  MESHGATE_CREDENTIALS_DIR: z.string().min(1).optional(),
};

type QualityEnv = z.infer<z.ZodObject<typeof qualityEnv>>;

export interface QualityConfig {
  readonly enabled: boolean;
  readonly intervalMs: number;
  readonly freshnessIntervalMs: number;
  readonly statementTimeoutMs: number;
  readonly historyLimit: number;
  /** Redis key prefix of the store; it carries a hash tag so a Redis Cluster keeps the keys in one slot. */
  readonly prefix: string;
  /** The store is in Redis when there is one, in memory otherwise. */
  readonly redis: RedisConnection | undefined;
  /** Products' database credentials: MESHGATE_PG_<PRODUCT>_USER / _PASSWORD (health/quality/postgres-server.ts). */
  readonly serverCredentials?: Readonly<Record<string, string>> | undefined;
  /** MESHGATE_CREDENTIALS_DIR: credentials files named by `servers` entries, per product. */
  readonly credentialsDir?: string | undefined;
}

/** The variables that hold products' database credentials: the only ones a `servers` entry may use. */
export const SERVER_CREDENTIAL_VARIABLE = /^MESHGATE_PG_[A-Z0-9_]+_(USER|PASSWORD)$/;

export function qualityConfig(
  e: QualityEnv,
  redis: RedisConnection | undefined,
  env: Readonly<Record<string, string | undefined>> = {},
): QualityConfig {
  const serverCredentials = Object.fromEntries(
    Object.entries(env).filter(
      (entry): entry is [string, string] =>
        SERVER_CREDENTIAL_VARIABLE.test(entry[0]) && typeof entry[1] === 'string',
    ),
  );
  return Object.freeze({
    enabled: e.MESHGATE_QUALITY === 'on',
    intervalMs: e.MESHGATE_QUALITY_INTERVAL,
    freshnessIntervalMs: e.MESHGATE_FRESHNESS_INTERVAL,
    statementTimeoutMs: e.MESHGATE_QUALITY_TIMEOUT_MS,
    historyLimit: e.MESHGATE_QUALITY_HISTORY,
    prefix: e.MESHGATE_QUALITY_PREFIX,
    redis,
    serverCredentials: Object.freeze(serverCredentials),
    credentialsDir:
      e.MESHGATE_CREDENTIALS_DIR === undefined ? undefined : resolve(e.MESHGATE_CREDENTIALS_DIR),
  });
}

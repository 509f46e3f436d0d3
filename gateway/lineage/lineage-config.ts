import { join } from 'node:path';
import { z } from 'zod';
import type { RedisConnection } from '../redis/redis-config.js';

/**
 * The environment variables of lineage recording, as zod fields `gateway/config/config.ts` adds to
 * its schema (validated once at start with the rest, then frozen). Nothing here reads
 * `process.env`.
 */

const positive = (what: string) =>
  z.coerce
    .number({ error: `must be a number of ${what}` })
    .int('must be an integer')
    .min(1, 'must be at least 1');

export const lineageEnv = {
  /** `off` records nothing (the benchmark's baseline). */
  MESHGATE_LINEAGE: z.enum(['on', 'off']).default('on'),
  /** `true`: a response waits until its event is stored (or durably spooled while Redis is down). */
  LINEAGE_STRICT: z
    .enum(['true', 'false'], { error: 'must be true or false' })
    .default('false')
    .transform((v) => v === 'true'),
  /** Every lineage key starts with it; its hash tag keeps them in one Redis Cluster slot (one script writes them together). */
  LINEAGE_PREFIX: z.string().min(1).default('meshgate:{lineage}:'),
  LINEAGE_MAX_LENGTH: positive('events').default(1_000_000),
  LINEAGE_RETENTION_HOURS: positive('hours').default(168),
  LINEAGE_QUEUE_SIZE: positive('events').default(10_000),
  LINEAGE_MEMORY_EVENTS: positive('events').default(10_000),
  LINEAGE_WRITE_TIMEOUT_MS: positive('milliseconds').default(2_000),
  /** How often spooled events go to Redis at most: one round trip carries them all. */
  LINEAGE_FLUSH_MS: positive('milliseconds').default(50),
  /** How often events are appended to the spool at most: what a SIGKILL of the gateway can lose. */
  LINEAGE_SPOOL_MS: positive('milliseconds').default(10),
  /** An OpenLineage HTTP endpoint (Marquez: http://host:5000) for `meshgate lineage export --post`. */
  OPENLINEAGE_URL: z
    .string()
    .regex(/^https?:\/\//, 'must be an http(s):// URL')
    .optional(),
  OPENLINEAGE_NAMESPACE: z.string().min(1).default('meshgate'),
};

type LineageEnv = z.infer<z.ZodObject<typeof lineageEnv>>;

export interface LineageConfig {
  readonly enabled: boolean;
  /** Redis for lineage (and its spool); the bounded in-memory store when absent. */
  readonly redis: RedisConnection | undefined;
  readonly strict: boolean;
  readonly prefix: string;
  readonly maxLength: number;
  readonly maxAgeMs: number;
  readonly queueSize: number;
  readonly memoryEvents: number;
  readonly writeTimeoutMs: number;
  readonly flushIntervalMs: number;
  readonly spoolIntervalMs: number;
  /** The spool file: `<stateDir>/lineage/spool.ndjson`. */
  readonly spoolPath: string;
  readonly openLineageUrl: string | undefined;
  readonly openLineageNamespace: string;
}

export function lineageConfig(
  e: LineageEnv,
  stateDir: string,
  redis: RedisConnection | undefined,
): LineageConfig {
  return Object.freeze({
    enabled: e.MESHGATE_LINEAGE === 'on',
    redis,
    strict: e.LINEAGE_STRICT,
    prefix: e.LINEAGE_PREFIX,
    maxLength: e.LINEAGE_MAX_LENGTH,
    maxAgeMs: e.LINEAGE_RETENTION_HOURS * 3_600_000,
    queueSize: e.LINEAGE_QUEUE_SIZE,
    memoryEvents: e.LINEAGE_MEMORY_EVENTS,
    writeTimeoutMs: e.LINEAGE_WRITE_TIMEOUT_MS,
    flushIntervalMs: e.LINEAGE_FLUSH_MS,
    spoolIntervalMs: e.LINEAGE_SPOOL_MS,
    spoolPath: join(stateDir, 'lineage', 'spool.ndjson'),
    openLineageUrl: e.OPENLINEAGE_URL,
    openLineageNamespace: e.OPENLINEAGE_NAMESPACE,
  });
}

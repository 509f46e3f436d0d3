import { z } from 'zod';
import type { RedisConnection } from '../redis/redis-config.js';

/**
 * The incident evaluator's environment variables, as zod fields `gateway/config/config.ts`
 * adds to its schema. Nothing here reads `process.env`.
 */
export const incidentsEnv = {
  /** `on`: the gateway opens and resolves incidents itself (needs SLIs on). */
  MESHGATE_INCIDENTS: z.enum(['on', 'off']).default('on'),
  /** How often every replica evaluates SLO status and quality results, off the request path. */
  MESHGATE_INCIDENT_INTERVAL_MS: z.coerce
    .number({ error: 'must be a number of milliseconds' })
    .int('must be an integer')
    .min(100, 'must be from 100 to 3600000')
    .max(3_600_000, 'must be from 100 to 3600000')
    .default(10_000),
  /** Redis key prefix; one hash tag keeps every incident key in one Cluster slot. */
  MESHGATE_INCIDENTS_PREFIX: z
    .string()
    .regex(/\{[^}]+\}/, 'must contain a hash tag such as {incidents}')
    .default('meshgate:incidents:{incidents}:'),
  /** Where each incident's firing and resolved notification goes, as an Alertmanager webhook body. */
  MESHGATE_ALERT_WEBHOOK_URL: z.url({ error: 'must be an http(s) URL' }).optional(),
  /** The same notifications as Slack incoming-webhook text ({text}). */
  MESHGATE_ALERT_SLACK_WEBHOOK_URL: z.url({ error: 'must be an http(s) URL' }).optional(),
};

type IncidentsEnv = z.infer<z.ZodObject<typeof incidentsEnv>>;

export interface IncidentsConfig {
  readonly enabled: boolean;
  readonly intervalMs: number;
  readonly prefix: string;
  /** Incidents are shared in Redis when there is one (one open incident per condition across replicas), in memory otherwise. */
  readonly redis: RedisConnection | undefined;
  readonly webhookUrl: string | undefined;
  readonly slackWebhookUrl: string | undefined;
}

export function incidentsConfig(e: IncidentsEnv, redis: RedisConnection | undefined): IncidentsConfig {
  return Object.freeze({
    enabled: e.MESHGATE_INCIDENTS === 'on',
    intervalMs: e.MESHGATE_INCIDENT_INTERVAL_MS,
    prefix: e.MESHGATE_INCIDENTS_PREFIX,
    redis,
    webhookUrl: e.MESHGATE_ALERT_WEBHOOK_URL,
    slackWebhookUrl: e.MESHGATE_ALERT_SLACK_WEBHOOK_URL,
  });
}

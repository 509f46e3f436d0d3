import type { Logger } from '../common/logger.js';
import { closeRedis } from '../redis/close-redis.js';
import type { ProductProbe } from '../health/product-probe.js';
import type { SloStatus } from '../health/slo-status.js';
import type { QualityStore } from '../health/types.js';
import { consumersOf } from '../lineage/consumers.js';
import type { LineageStore } from '../lineage/types.js';
import { FAIL_FAST, openRedis } from '../redis/redis-connection.js';
import {
  createIncidentEvaluator,
  type IncidentEvaluator,
  type IncidentEvents,
} from './incident-evaluator.js';
import type { IncidentStore } from './incident-types.js';
import type { IncidentsConfig } from './incidents-config.js';
import { memoryIncidentStore } from './memory-incident-store.js';
import { redisIncidentStore } from './redis-incident-store.js';
import { memoryOutbox, redisOutbox } from './notification-outbox.js';
import { createWebhookNotifier } from './webhook-notifier.js';

export interface IncidentsOptions {
  readonly logger: Logger;
  readonly slo: SloStatus;
  readonly quality?: QualityStore | null | undefined;
  readonly lineage?: LineageStore | null | undefined;
  readonly events?: IncidentEvents;
  /** The scheduled probe (health/product-probe.ts): a product down opens an availability incident. */
  readonly probe?: Pick<ProductProbe, 'downs'> | null | undefined;
  /** When the oldest entry the entity cache holds for a product expires (epoch ms); null: none. */
  readonly cacheExpiry?: ((product: string) => number | null) | undefined;
  /** Where incidents are listed: the generatorURL of notifications. */
  readonly adminUrl?: string;
}

export interface Incidents {
  readonly store: IncidentStore;
  readonly evaluator: IncidentEvaluator;
  close(): Promise<void>;
}

/** Consumers are the principals that read the product in the last 7 days. */
const CONSUMER_WINDOW_MS = 7 * 86_400_000;

/**
 * One gateway's incidents: the store (Redis when configured: every replica sees and opens the
 * same ones) and the evaluator on its timer, off the request path.
 */
export function createIncidents(config: IncidentsConfig, options: IncidentsOptions): Incidents {
  const redis = config.redis ? openRedis(config.redis, FAIL_FAST) : null;
  // A lost Redis fails an evaluation (logged below); ioredis's error events are not crashes.
  redis?.on('error', () => {});
  const store = redis ? redisIncidentStore(redis, config.prefix) : memoryIncidentStore();
  const lineage = options.lineage;
  const notifier =
    config.webhookUrl || config.slackWebhookUrl
      ? createWebhookNotifier(
          store,
          {
            alertmanagerUrl: config.webhookUrl,
            slackUrl: config.slackWebhookUrl,
            generatorURL: options.adminUrl ?? '/admin/incidents',
          },
          // Shared with the incidents: what one replica could not deliver, another (or it, restarted) does.
          redis ? redisOutbox(redis, config.prefix) : memoryOutbox(),
        )
      : null;
  const events: IncidentEvents = {
    async opened(incident) {
      notifier?.events.opened(incident);
      await options.events?.opened?.(incident);
    },
    async resolved(incident) {
      notifier?.events.resolved(incident);
      await options.events?.resolved?.(incident);
    },
  };
  const evaluator = createIncidentEvaluator(
    store,
    {
      // A fresh status each evaluation: a cached one would delay detection.
      sloStatus: () => options.slo.sloStatus(undefined, { maxAgeMs: 0 }),
      ...(options.quality && { quality: options.quality }),
      ...(options.probe && { probes: () => options.probe!.downs() }),
      shield: async (product: string, since: number) => {
        const expiry = options.cacheExpiry?.(product) ?? null;
        return {
          readsServedFromCache: await options.slo.servedFromCache(product, since),
          since: new Date(since).toISOString(),
          oldestEntryExpiresAt: expiry === null ? null : new Date(expiry).toISOString(),
        };
      },
      ...(lineage && {
        consumers: async (product: string) =>
          consumersOf(
            await lineage.query({ since: Date.now() - CONSUMER_WINDOW_MS, product, limit: 10_000 }),
            product,
          ).map((c) => c.principal),
      }),
    },
    events,
  );
  const stop = evaluator.start(config.intervalMs, (error) =>
    options.logger.warn({ err: error }, 'incident evaluation failed; retrying on the next interval'),
  );
  return {
    store,
    evaluator,
    async close() {
      stop();
      notifier?.close();
      if (redis) await closeRedis(redis);
    },
  };
}

import type { Incident, IncidentKind, IncidentStore } from './incident-types.js';
import { memoryOutbox, type Notification, type NotificationOutbox } from './notification-outbox.js';

export type NotificationStatus = 'firing' | 'resolved';

const ALERT_NAMES: Readonly<Record<IncidentKind, string>> = Object.freeze({
  slo: 'Slo',
  availability: 'Availability',
  quality: 'Quality',
  freshness: 'Freshness',
});

/** An Alertmanager webhook body (version 4) for one incident, as a receiver of Alertmanager expects. */
export function alertmanagerBody(incident: Incident, status: NotificationStatus, generatorURL: string) {
  const labels = {
    alertname: `DataProduct${ALERT_NAMES[incident.kind]}Incident`,
    product: incident.product,
    kind: incident.kind,
    condition: incident.condition,
    severity: 'page',
  };
  return {
    version: '4',
    groupKey: `{}:{incident="${incident.id}"}`,
    status,
    receiver: 'meshgate',
    groupLabels: { incident: incident.id },
    commonLabels: labels,
    commonAnnotations: {},
    externalURL: generatorURL,
    truncatedAlerts: 0,
    alerts: [
      {
        status,
        labels,
        annotations: {
          summary: summary(incident),
          runbook: `meshgate slo --product ${incident.product}`,
          evidence: JSON.stringify(incident.evidence),
          consumers: incident.consumers.join(', '),
        },
        startsAt: incident.startedAt,
        endsAt:
          status === 'resolved' ? (incident.resolvedAt ?? new Date().toISOString()) : '0001-01-01T00:00:00Z',
        generatorURL,
        fingerprint: incident.id,
      },
    ],
  };
}

const summary = (i: Incident) => `${i.product}: ${i.kind} ${i.condition}`;

/** The Slack incoming-webhook form: one line of text. */
export function slackBody(incident: Incident, status: NotificationStatus) {
  const consumers = incident.consumers.length ? ` (consumers: ${incident.consumers.join(', ')})` : '';
  return {
    text:
      status === 'firing'
        ? `:rotating_light: incident ${incident.id} opened: ${summary(incident)}${consumers}`
        : `:white_check_mark: incident ${incident.id} resolved: ${summary(incident)} after ${Math.round((incident.timeToRepairMs ?? 0) / 1_000)} s`,
  };
}

export interface WebhookTargets {
  readonly alertmanagerUrl?: string | undefined;
  readonly slackUrl?: string | undefined;
  readonly generatorURL: string;
  /** First retry after this, doubling up to `maxBackoffMs`. */
  readonly backoffMs?: number;
  readonly maxBackoffMs?: number;
}

/** How long a replica holds a notification it is sending (longer than a send's 5 s timeout). */
const LEASE_MS = 15_000;

/**
 * Sends each incident's firing and resolved notification to every configured webhook, once,
 * retrying with exponential backoff until the receiver answers 2xx. The notifications wait in
 * `outbox` (notification-outbox.ts): with Redis it is shared, so a receiver that is down loses
 * nothing even when the replica that opened the incident stops before it is back; every
 * replica drains it, one at a time per notification.
 */
export function createWebhookNotifier(
  store: IncidentStore,
  targets: WebhookTargets,
  outbox: NotificationOutbox = memoryOutbox(),
) {
  const backoff = targets.backoffMs ?? 1_000;
  const maxBackoff = targets.maxBackoffMs ?? 300_000;
  const stats = { delivered: 0, failedAttempts: 0 };
  let draining: Promise<void> | null = null;
  // Adds in flight: a drain waits for them, so that what an event enqueued is in the outbox.
  const adding = new Set<Promise<void>>();

  function enqueue(incident: Incident, status: NotificationStatus): void {
    const dueAt = Date.now();
    const receivers: [string, string | undefined, unknown][] = [
      ['alertmanager', targets.alertmanagerUrl, alertmanagerBody(incident, status, targets.generatorURL)],
      ['slack', targets.slackUrl, slackBody(incident, status)],
    ];
    for (const [receiver, url, body] of receivers) {
      if (!url) continue;
      const id = `${incident.id}:${status}:${receiver}`;
      const added = outbox
        .add({ id, incidentId: incident.id, status, url, body, attempts: 0, dueAt })
        .catch(() => undefined)
        .finally(() => adding.delete(added));
      adding.add(added);
    }
    void drain();
  }

  async function send(n: Notification): Promise<boolean> {
    try {
      const response = await fetch(n.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(n.body),
        signal: AbortSignal.timeout(5_000),
      });
      return response.ok;
    } catch {
      return false;
    }
  }

  async function drainOnce(): Promise<void> {
    await Promise.all(adding);
    for (const n of await outbox.claimDue(Date.now(), LEASE_MS)) {
      if (await send(n)) {
        await outbox.delivered(n);
        stats.delivered++;
        if (n.status === 'firing') {
          const at = new Date();
          await store.update(n.incidentId, (i) =>
            i.notifiedAt
              ? i
              : {
                  ...i,
                  notifiedAt: at.toISOString(),
                  timeToNotifyMs: at.getTime() - Date.parse(i.detectedAt),
                },
          );
        }
      } else {
        stats.failedAttempts++;
        const attempts = n.attempts + 1;
        await outbox.retryLater({
          ...n,
          attempts,
          dueAt: Date.now() + Math.min(backoff * 2 ** (attempts - 1), maxBackoff),
        });
      }
    }
  }

  function drain(): Promise<void> {
    // A Redis outbox that is away fails the drain; the next tick tries again.
    draining ??= drainOnce()
      .catch(() => undefined)
      .finally(() => (draining = null));
    return draining;
  }

  const timer = setInterval(() => void drain(), Math.min(backoff, 1_000));
  timer.unref();
  return {
    events: {
      opened: (incident: Incident) => enqueue(incident, 'firing'),
      resolved: (incident: Incident) => enqueue(incident, 'resolved'),
    },
    stats,
    /** Notifications still owed (every replica's, with a shared outbox). */
    pending: () => outbox.size(),
    drain,
    close() {
      clearInterval(timer);
    },
  };
}

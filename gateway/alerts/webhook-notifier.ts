import type { Incident, IncidentStore } from './incident-types.js';

export type NotificationStatus = 'firing' | 'resolved';

/** An Alertmanager webhook body (version 4) for one incident, as a receiver of Alertmanager expects. */
export function alertmanagerBody(incident: Incident, status: NotificationStatus, generatorURL: string) {
  const labels = {
    alertname: `DataProduct${incident.kind === 'slo' ? 'Slo' : incident.kind === 'quality' ? 'Quality' : 'Freshness'}Incident`,
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

interface Pending {
  readonly incident: Incident;
  readonly status: NotificationStatus;
  readonly url: string;
  readonly body: unknown;
  attempts: number;
  dueAt: number;
}

/**
 * Sends each incident's firing and resolved notification to every configured webhook, once,
 * retrying with exponential backoff until the receiver answers 2xx. The outbox is this
 * process's memory: a receiver that is down loses nothing while the replica runs.
 */
export function createWebhookNotifier(store: IncidentStore, targets: WebhookTargets) {
  const outbox: Pending[] = [];
  const backoff = targets.backoffMs ?? 1_000;
  const maxBackoff = targets.maxBackoffMs ?? 300_000;
  const stats = { delivered: 0, failedAttempts: 0 };
  let draining: Promise<void> | null = null;

  function enqueue(incident: Incident, status: NotificationStatus): void {
    const now = Date.now();
    if (targets.alertmanagerUrl)
      outbox.push({
        incident,
        status,
        url: targets.alertmanagerUrl,
        body: alertmanagerBody(incident, status, targets.generatorURL),
        attempts: 0,
        dueAt: now,
      });
    if (targets.slackUrl)
      outbox.push({
        incident,
        status,
        url: targets.slackUrl,
        body: slackBody(incident, status),
        attempts: 0,
        dueAt: now,
      });
    void drain();
  }

  async function send(p: Pending): Promise<boolean> {
    try {
      const response = await fetch(p.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(p.body),
        signal: AbortSignal.timeout(5_000),
      });
      return response.ok;
    } catch {
      return false;
    }
  }

  async function drainOnce(): Promise<void> {
    const now = Date.now();
    for (const p of outbox.filter((x) => x.dueAt <= now)) {
      if (await send(p)) {
        outbox.splice(outbox.indexOf(p), 1);
        stats.delivered++;
        if (p.status === 'firing') {
          const at = new Date();
          await store.update(p.incident.id, (i) =>
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
        p.attempts++;
        p.dueAt = Date.now() + Math.min(backoff * 2 ** (p.attempts - 1), maxBackoff);
      }
    }
  }

  function drain(): Promise<void> {
    draining ??= drainOnce().finally(() => (draining = null));
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
    pending: () => outbox.length,
    drain,
    close() {
      clearInterval(timer);
    },
  };
}

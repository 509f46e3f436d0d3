import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it, vi } from 'vitest';
import type { Incident } from './incident-types.js';
import { memoryIncidentStore } from './memory-incident-store.js';
import { redisOutbox } from './notification-outbox.js';
import { redisIncidentStore } from './redis-incident-store.js';
import { createWebhookNotifier } from './webhook-notifier.js';

const bodies: { url: string; body: Record<string, unknown> }[] = [];
function receiver(port = 0): Promise<Server> {
  const server = createServer((req, res) => {
    let text = '';
    req.on('data', (c: Buffer) => (text += c.toString()));
    req.on('end', () => {
      bodies.push({ url: req.url ?? '', body: JSON.parse(text) as Record<string, unknown> });
      res.writeHead(200).end();
    });
  });
  return new Promise((resolve) => server.listen(port, '127.0.0.1', () => resolve(server)));
}
const close = (s: Server) => new Promise<void>((resolve) => s.close(() => resolve()));
let server: Server | null = null;
afterAll(async () => {
  if (server) await close(server);
});

const incident: Incident = {
  id: 'inc-1',
  product: 'orders',
  kind: 'slo',
  condition: 'availability',
  state: 'open',
  startedAt: '2026-01-01T00:00:00.000Z',
  detectedAt: '2026-01-01T00:00:05.000Z',
  notifiedAt: null,
  resolvedAt: null,
  acknowledgedBy: null,
  acknowledgedAt: null,
  evidence: { burnRates: { '5m': 500 } },
  consumers: ['stew'],
  timeToDetectMs: 5_000,
  timeToNotifyMs: null,
  timeToRepairMs: null,
};

describe('webhook notifier', () => {
  it('loses nothing while the receiver is down: each notification is delivered once when it is back', async () => {
    // A port that was just free: nothing listens there until the receiver comes back.
    const probe = await receiver();
    const { port } = probe.address() as AddressInfo;
    await close(probe);
    const store = memoryIncidentStore();
    await store.open(incident);
    const base = `http://127.0.0.1:${port}`;
    const notifier = createWebhookNotifier(store, {
      alertmanagerUrl: `${base}/alertmanager`,
      slackUrl: `${base}/slack`,
      generatorURL: 'http://gateway/admin/incidents',
      backoffMs: 50,
      maxBackoffMs: 200,
    });
    notifier.events.opened(incident);
    notifier.events.resolved({
      ...incident,
      state: 'resolved',
      resolvedAt: '2026-01-01T00:01:00.000Z',
      timeToRepairMs: 60_000,
    });
    await vi.waitFor(() => expect(notifier.stats.failedAttempts).toBeGreaterThanOrEqual(8), {
      timeout: 5_000,
    });
    expect(await notifier.pending()).toBe(4);
    expect(bodies).toHaveLength(0);

    server = await receiver(port);
    await vi.waitFor(() => expect(notifier.stats.delivered).toBe(4), { timeout: 5_000 });
    await notifier.drain();
    notifier.close();
    console.log(
      `receiver down: ${notifier.stats.failedAttempts} failed attempts; back: ${bodies.length} delivered`,
    );
    expect(await notifier.pending()).toBe(0);
    expect(bodies.map((b) => `${b.url} ${String(b.body.status ?? b.body.text)}`).sort()).toEqual([
      '/alertmanager firing',
      '/alertmanager resolved',
      '/slack :rotating_light: incident inc-1 opened: orders: slo availability (consumers: stew)',
      '/slack :white_check_mark: incident inc-1 resolved: orders: slo availability after 60 s',
    ]);
    const firing = bodies.find((b) => b.url === '/alertmanager' && b.body.status === 'firing')!.body;
    expect(firing).toMatchObject({
      version: '4',
      status: 'firing',
      alerts: [
        {
          labels: {
            alertname: 'DataProductSloIncident',
            product: 'orders',
            condition: 'availability',
            severity: 'page',
          },
          startsAt: '2026-01-01T00:00:00.000Z',
          fingerprint: 'inc-1',
        },
      ],
    });
    const stored = (await store.get('inc-1'))!;
    expect(stored.notifiedAt).not.toBeNull();
    expect(stored.timeToNotifyMs).toBe(Date.parse(stored.notifiedAt!) - Date.parse(stored.detectedAt));
  });

  it('with Redis, what one replica could not deliver before it stopped, another delivers once', async () => {
    const redis = new Redis('redis://127.0.0.1:6379', { lazyConnect: true, maxRetriesPerRequest: 1 });
    await redis.connect();
    const prefix = `meshgate-test:{incidents}:${randomUUID()}:`;
    try {
      const probe = await receiver();
      const { port } = probe.address() as AddressInfo;
      await close(probe);
      const store = redisIncidentStore(redis, prefix);
      const second = { ...incident, id: `inc-${randomUUID()}` };
      await store.open(second);
      const targets = {
        alertmanagerUrl: `http://127.0.0.1:${port}/alertmanager`,
        generatorURL: 'http://gateway/admin/incidents',
        backoffMs: 50,
        maxBackoffMs: 100,
      };
      // Replica A opened the incident; the receiver is down; A stops with it still owed.
      const a = createWebhookNotifier(store, targets, redisOutbox(redis, prefix));
      a.events.opened(second);
      await vi.waitFor(() => expect(a.stats.failedAttempts).toBeGreaterThanOrEqual(2), { timeout: 5_000 });
      a.close();
      await a.drain();
      expect(await a.pending()).toBe(1);
      // Replicas B and C drain the same outbox once the receiver is back: one delivery in all.
      const before = bodies.length;
      const back = await receiver(port);
      const b = createWebhookNotifier(store, targets, redisOutbox(redis, prefix));
      const c = createWebhookNotifier(store, targets, redisOutbox(redis, prefix));
      try {
        await vi.waitFor(async () => expect(await b.pending()).toBe(0), { timeout: 5_000 });
        await Promise.all([b.drain(), c.drain()]);
        const delivered = bodies.slice(before);
        console.log(
          `shared outbox: replica A failed ${a.stats.failedAttempts} attempts and stopped; B delivered ${b.stats.delivered}, C ${c.stats.delivered}`,
        );
        expect(delivered.map((d) => `${d.url} ${String(d.body.status)}`)).toEqual(['/alertmanager firing']);
        expect(b.stats.delivered + c.stats.delivered).toBe(1);
        expect((await store.get(second.id))!.notifiedAt).not.toBeNull();
      } finally {
        b.close();
        c.close();
        await close(back);
      }
    } finally {
      const keys = await redis.keys(`${prefix}*`);
      if (keys.length) await redis.del(...keys);
      await redis.quit();
    }
  });
});

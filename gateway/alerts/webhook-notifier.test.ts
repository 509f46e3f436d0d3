import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, describe, expect, it, vi } from 'vitest';
import type { Incident } from './incident-types.js';
import { memoryIncidentStore } from './memory-incident-store.js';
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
    expect(notifier.pending()).toBe(4);
    expect(bodies).toHaveLength(0);

    server = await receiver(port);
    await vi.waitFor(() => expect(notifier.stats.delivered).toBe(4), { timeout: 5_000 });
    await notifier.drain();
    notifier.close();
    console.log(
      `receiver down: ${notifier.stats.failedAttempts} failed attempts; back: ${bodies.length} delivered`,
    );
    expect(notifier.pending()).toBe(0);
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
});

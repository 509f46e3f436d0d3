import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Incident } from '../gateway/alerts/incident-types.js';
import { createLogger } from '../gateway/common/logger.js';
import { openQualityStore } from '../gateway/health/open-quality-store.js';
import { startQualitySchedule, type QualitySchedule } from '../gateway/health/quality-schedule.js';
import { startGateway, type RunningGateway } from '../gateway/server.js';
import { findDataProduct } from '../subgraphs/index.js';
import { startSubgraph, type RunningSubgraph } from '../subgraphs/kit/server.js';
import { sloFromGateway } from './support/slo-cli.js';
import { freePort } from './support/redis-server.js';
import { graphql, sharedMesh, testConfig, testContextKey } from './support/mesh.js';
import { personaHeaders } from './support/personas.js';
import {
  startWebhookReceiver,
  type AlertmanagerBody,
  type WebhookReceiver,
} from './support/webhook-receiver.js';

/**
 * The faults of data product health, end to end, with counts: the orders product's own
 * subgraph killed under load and restarted (an availability incident opens within the
 * fast-burn window and resolves), rows that break a blocking quality rule (a quality incident
 * on the next run), and a webhook receiver that is down while both open (each notification
 * arrives once when it is back).
 */
const orders = findDataProduct('orders');
const steward = personaHeaders('data-steward');
const ORDER = 'query Order($id: ID!) { order(id: $id) { id status } }';
const logger = createLogger('silent');

let dataDir: string;
let subgraph: RunningSubgraph | null = null;
let gateway: RunningGateway;
let schedule: QualitySchedule;
let closeQualityStore: () => Promise<void>;
/** The webhook receiver: down (nothing listens on its port) until the test brings it up. */
let receiver: WebhookReceiver | null = null;
let receiverPort: number;
const received: AlertmanagerBody[] = [];

const startOrders = (port: number) =>
  startSubgraph(orders, { port, host: '127.0.0.1', contextKey: testContextKey(), dataDir });

beforeAll(async () => {
  // orders on its own persistent PGlite, so that a restart finds its data again.
  dataDir = mkdtempSync(join(tmpdir(), 'meshgate-health-faults-'));
  const [mesh, started] = await Promise.all([sharedMesh(), startOrders(0)]);
  subgraph = started;
  receiverPort = await freePort();
  const config = testConfig({
    MESHGATE_LINEAGE: 'off',
    MESHGATE_SLI: 'on',
    MESHGATE_INCIDENT_INTERVAL_MS: '200',
    MESHGATE_ALERT_WEBHOOK_URL: `http://127.0.0.1:${receiverPort}/hook`,
  });
  const quality = openQualityStore(config.quality);
  closeQualityStore = quality.close;
  gateway = await startGateway(
    {
      ...config,
      port: 0,
      subgraphUrls: {
        ...Object.fromEntries(mesh.subgraphs.map((s) => [s.name, s.url])),
        orders: started.url,
      },
    },
    logger,
    { quality: quality.store },
  );
  // The rules run against whichever orders process is up (the restart opens its database again).
  schedule = startQualitySchedule({
    targets: [
      {
        descriptor: orders.descriptor,
        get db() {
          return subgraph!.db;
        },
      },
    ],
    store: quality.store,
    config: { ...config.quality, intervalMs: 3_600_000, freshnessIntervalMs: 3_600_000 },
    logger,
    firstRunDelayMs: 3_600_000,
  });
}, 120_000);

afterAll(async () => {
  await Promise.all([...loads].map((stop) => stop()));
  await schedule?.stop();
  await gateway?.stop();
  await closeQualityStore?.();
  await subgraph?.stop();
  await receiver?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

async function startReceiver(): Promise<void> {
  receiver = await startWebhookReceiver(receiverPort, received);
}

const route = (path: string) => gateway.url.replace('/graphql', path);
async function incidents(): Promise<Incident[]> {
  const response = await fetch(route('/admin/incidents'), { headers: steward });
  expect(response.status).toBe(200);
  return ((await response.json()) as { incidents: Incident[] }).incidents;
}
const find = async (kind: Incident['kind'], condition: string) =>
  (await incidents()).find((i) => i.product === 'orders' && i.kind === kind && i.condition === condition);

/** Queries on `concurrency` connections with varied ids until stopped; `paceMs` between a connection's requests. */
/** Every load started, stopped in afterAll whatever happened. */
const loads = new Set<() => Promise<unknown>>();
function load(concurrency: number, paceMs: number) {
  const counts = { sent: 0, ok: 0, failed: 0 };
  let running = true;
  const worker = async (w: number) => {
    for (let i = 0; running; i++) {
      counts.sent++;
      const id = String(1 + ((w * 7919 + i * 104_729) % 50_000));
      const answer = await graphql<{ order: { id: string } | null }>(gateway.url, ORDER, {
        variables: { id },
        headers: steward,
      }).catch(() => null);
      if (answer?.body.data?.order?.id === id && !answer.body.errors) counts.ok++;
      else counts.failed++;
      if (paceMs) await new Promise((resolve) => setTimeout(resolve, paceMs));
    }
  };
  const workers = Array.from({ length: concurrency }, (_, w) => worker(w));
  const stop = async () => {
    running = false;
    await Promise.all(workers);
    return counts;
  };
  loads.add(stop);
  return {
    counts,
    async stop() {
      running = false;
      await Promise.all(workers);
      return counts;
    },
  };
}

describe('data product health under faults', () => {
  it('orders killed under load: an availability incident within the fast-burn window, notified when the receiver is back, resolved after the restart', async () => {
    const steady = load(1, 50);
    await vi.waitFor(() => expect(steady.counts.ok).toBeGreaterThanOrEqual(40), { timeout: 30_000 });
    const port = Number(new URL(subgraph!.url).port);
    const killedAt = Date.now();
    await subgraph!.stop();
    subgraph = null;
    const incident = await vi.waitFor(
      async () => {
        const found = await find('slo', 'availability');
        if (!found) throw new Error('no availability incident yet');
        return found;
      },
      { timeout: 15_000, interval: 100 },
    );
    const detectedAfterMs = Date.parse(incident.detectedAt) - killedAt;
    const slo = await sloFromGateway(route(''), 'orders');
    console.log(`$ meshgate slo --product orders   (orders killed)\n${slo.stdout}${slo.stderr}`);
    expect(slo.stdout).toMatch(/^orders {2}FAILING/);
    // The receiver is down: the firing notification waits in the outbox, retried with backoff.
    expect(incident.notifiedAt).toBeNull();
    expect(received).toHaveLength(0);

    // Restart orders where it was, and bring the receiver up.
    subgraph = await startOrders(port);
    await startReceiver();
    await vi.waitFor(
      () =>
        expect(received.map((b) => `${b.status} ${b.alerts[0]!.fingerprint}`)).toEqual([
          `firing ${incident.id}`,
        ]),
      { timeout: 20_000, interval: 100 },
    );
    // More load after the restart: the 5-minute window's error ratio falls under 14.4 × the budget.
    const after = load(6, 0);
    const repaired = await vi.waitFor(
      async () => {
        const found = (await incidents()).find((i) => i.id === incident.id);
        if (found?.state !== 'resolved') throw new Error(`incident still ${found?.state}`);
        return found;
      },
      { timeout: 120_000, interval: 200 },
    );
    const [before, later] = [await steady.stop(), await after.stop()];
    await vi.waitFor(() => expect(received).toHaveLength(2), { timeout: 20_000, interval: 100 });
    console.log(
      `subgraph kill: load before and during the kill sent ${before.sent} (${before.ok} answered, ${before.failed} failed); ` +
        `after the restart ${later.sent} (${later.ok} answered, ${later.failed} failed). ` +
        `Incident ${incident.id}: detected ${detectedAfterMs} ms after the kill; timeToDetect ${repaired.timeToDetectMs} ms, ` +
        `timeToNotify ${repaired.timeToNotifyMs} ms (receiver down until the restart), timeToRepair ${repaired.timeToRepairMs} ms. ` +
        `Webhook: ${received.map((b) => b.status).join(', ')}`,
    );
    expect(before.failed).toBeGreaterThan(0);
    expect(later.failed).toBe(0);
    expect(
      received.map((b) => `${b.status} ${b.alerts[0]!.labels.product} ${b.alerts[0]!.fingerprint}`),
    ).toEqual([`firing orders ${incident.id}`, `resolved orders ${incident.id}`]);
    // Within the fast-burn window (5 m), and its three times consistent with its timestamps.
    expect(detectedAfterMs).toBeLessThan(5 * 60_000);
    expect(repaired.timeToNotifyMs).toBe(Date.parse(repaired.notifiedAt!) - Date.parse(repaired.detectedAt));
    expect(repaired.timeToRepairMs).toBe(Date.parse(repaired.resolvedAt!) - Date.parse(repaired.startedAt));
    expect(repaired.timeToRepairMs!).toBeGreaterThan(repaired.timeToDetectMs);
    // One incident for the whole outage.
    expect((await incidents()).filter((i) => i.kind === 'slo')).toHaveLength(1);
  }, 240_000);

  it('rows that break a blocking rule open a quality incident on the next run, resolved when they are gone', async () => {
    const firstRun = await schedule.runQualityNow();
    expect(firstRun.filter((r) => !r.passed)).toEqual([]);
    await subgraph!.db.query(
      `INSERT INTO orders (id, customer_id, status, placed_at, currency)
       SELECT 910000 + i, 1, 'PENDING', timestamptz '2025-06-01 12:00:00+00', 'EUR' FROM generate_series(1, 4) AS i`,
    );
    const secondRun = await schedule.runQualityNow();
    expect(secondRun.filter((r) => !r.passed).map((r) => [r.ruleId, r.measured])).toEqual([
      ['order-has-lines', 4],
    ]);
    const incident = await vi.waitFor(
      async () => {
        const found = await find('quality', 'order-has-lines');
        if (!found) throw new Error('no quality incident yet');
        return found;
      },
      { timeout: 10_000, interval: 100 },
    );
    await vi.waitFor(
      () =>
        expect(received.map((b) => `${b.status} ${b.alerts[0]!.fingerprint}`)).toContain(
          `firing ${incident.id}`,
        ),
      {
        timeout: 10_000,
        interval: 100,
      },
    );
    await subgraph!.db.query('DELETE FROM orders WHERE id > 910000 AND id <= 910004');
    expect((await schedule.runQualityNow()).filter((r) => !r.passed)).toEqual([]);
    const repaired = await vi.waitFor(
      async () => {
        const found = (await incidents()).find((i) => i.id === incident.id);
        if (found?.state !== 'resolved') throw new Error(`incident still ${found?.state}`);
        return found;
      },
      { timeout: 10_000, interval: 100 },
    );
    await vi.waitFor(
      () =>
        expect(received.filter((b) => b.alerts[0]!.fingerprint === incident.id).map((b) => b.status)).toEqual(
          ['firing', 'resolved'],
        ),
      { timeout: 10_000, interval: 100 },
    );
    console.log(
      `quality incident ${incident.id}: order-has-lines measured 4 (mustBe 0); timeToDetect ${repaired.timeToDetectMs} ms, ` +
        `timeToNotify ${repaired.timeToNotifyMs} ms, timeToRepair ${repaired.timeToRepairMs} ms`,
    );
    expect(incident.evidence).toMatchObject({
      result: { ruleId: 'order-has-lines', measured: 4, passed: false },
    });
  }, 120_000);
});

import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Incident } from '../gateway/alerts/incident-types.js';
import { EXAMPLE_QUERY } from '../gateway/cli/example-query.js';
import type { RunningGateway } from '../gateway/server.js';
import { runMeshgate } from './support/cli.js';
import { sloFromGateway } from './support/slo-cli.js';
import { graphql, sharedMesh } from './support/mesh.js';
import { gatewayOver, personaHeaders, personaToken } from './support/personas.js';
import {
  startWebhookReceiver,
  type AlertmanagerBody,
  type WebhookReceiver,
} from './support/webhook-receiver.js';

/** orders routed to a port nothing listens on: every fetch of it fails, as with its subgraph killed. */
const DEAD = 'http://127.0.0.1:9/graphql';
const steward = personaHeaders('data-steward');
let gateway: RunningGateway;
/** The webhook receiver: every Alertmanager body it was sent. */
let receiver: WebhookReceiver;
let received: AlertmanagerBody[];
beforeAll(async () => {
  receiver = await startWebhookReceiver();
  received = receiver.received;
  const hook = `http://127.0.0.1:${receiver.port}/hook`;
  const mesh = await sharedMesh();
  gateway = await gatewayOver(
    mesh,
    { MESHGATE_SLI: 'on', MESHGATE_INCIDENT_INTERVAL_MS: '200', MESHGATE_ALERT_WEBHOOK_URL: hook },
    { orders: DEAD },
  );
});
afterAll(async () => {
  await gateway?.stop();
  await receiver?.close();
});

const route = (path: string) => gateway.url.replace('/graphql', path);
async function incidents(query = ''): Promise<Incident[]> {
  const response = await fetch(route(`/admin/incidents${query}`), { headers: steward });
  expect(response.status).toBe(200);
  return ((await response.json()) as { incidents: Incident[] }).incidents;
}

describe('incidents the gateway opens itself', () => {
  it('a product whose subgraph is down opens one availability incident, listed and acknowledged through the CLI', async () => {
    // Every orders fetch fails: a burn rate of 1000× its 0.1% budget over 1h and 5m, past 14.4×.
    for (let i = 0; i < 15; i++) await graphql(gateway.url, EXAMPLE_QUERY, { headers: steward });
    await vi.waitFor(async () => expect(await incidents('?open=true')).toHaveLength(1), {
      timeout: 10_000,
      interval: 100,
    });
    // Notified once, through the webhook, with its time to notify stored.
    await vi.waitFor(async () => expect((await incidents())[0]!.notifiedAt).not.toBeNull(), {
      timeout: 5_000,
    });
    const [incident] = await incidents('?open=true');
    expect(
      received.map((b) => `${b.status} ${b.alerts[0]!.labels.product} ${b.alerts[0]!.fingerprint}`),
    ).toEqual([`firing orders ${incident!.id}`]);
    expect(incident!.timeToNotifyMs).toBe(
      Date.parse(incident!.notifiedAt!) - Date.parse(incident!.detectedAt),
    );
    expect(incident).toMatchObject({
      product: 'orders',
      kind: 'slo',
      condition: 'availability',
      state: 'open',
    });
    expect(
      (incident!.evidence as { errors: Record<string, { errors: number }> }).errors['5m']!.errors,
    ).toBeGreaterThanOrEqual(10);

    const slo = await sloFromGateway(route(''), 'orders');
    console.log(`$ meshgate slo --product orders (orders down)\n${slo.stdout}${slo.stderr}`);
    const token = personaToken('data-steward');
    const listed = await runMeshgate(['incidents', '--open', '--gateway', route(''), '--token', token]);
    console.log(`$ meshgate incidents --open\n${listed.stdout}${listed.stderr}`);
    expect(listed.code).toBe(0);
    expect(listed.stdout).toContain(`${incident!.id}  OPEN  orders slo availability`);

    const ack = await runMeshgate([
      'incidents',
      'ack',
      incident!.id,
      '--gateway',
      route(''),
      '--token',
      token,
    ]);
    expect(ack.stdout.trim()).toBe(`${incident!.id} acknowledged by stew`);
    // Evaluations every 200 ms while it still burns leave one incident, now acknowledged.
    expect((await incidents()).map((i) => `${i.product} ${i.condition} ${i.state}`)).toEqual([
      'orders availability acknowledged',
    ]);
    expect(received).toHaveLength(1);
  });

  it('refuses an ack without a JSON content type or preflight header, and an unknown id', async () => {
    const plain = await fetch(route('/admin/incidents/x/ack'), { method: 'POST', headers: steward });
    expect(plain.status).toBe(400);
    expect(((await plain.json()) as { error: { code: string } }).error.code).toBe(
      'INCIDENT_PREFLIGHT_REQUIRED',
    );
    const unknown = await fetch(route('/admin/incidents/nope/ack'), {
      method: 'POST',
      headers: { ...steward, 'content-type': 'application/json' },
      body: '{}',
    });
    expect(unknown.status).toBe(404);
    expect(((await unknown.json()) as { error: { code: string } }).error.code).toBe('INCIDENT_NOT_FOUND');
    const analyst = await fetch(route('/admin/incidents'), { headers: personaHeaders('analyst') });
    expect(analyst.status).toBe(403);
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../gateway/common/logger.js';
import { startMesh, type RunningMesh } from '../gateway/cli/mesh.js';
import { testConfig } from './support/mesh.js';
import { pgliteTemplates } from './support/pglite-templates.js';
import { personaHeaders } from './support/personas.js';

/**
 * Issue 27: the reference mesh looks alive. `npm start` runs a low-rate writer (orders with
 * their payments and shipments, now and then a customer) and reads each order back through
 * the gateway as an app would, so freshness is measured against data that moves and the SLIs
 * have traffic. From a first start, every product reaches `healthy` within two minutes (here
 * with the freshness probe every 5 s and an order every second), and one that does not says why.
 */
let mesh: RunningMesh;

beforeAll(async () => {
  mesh = await startMesh(
    testConfig({ MESHGATE_FRESHNESS_INTERVAL: '5s', MESHGATE_QUALITY_INTERVAL: '30s', MESHGATE_CACHE: 'on' }),
    createLogger('silent'),
    { ports: 'free', persistent: false, templates: pgliteTemplates(), live: { orderIntervalMs: 1_000 } },
  );
});
afterAll(async () => {
  await mesh?.stop();
});

interface Health {
  product: string;
  state: string;
  reasons: string[];
}

async function health(): Promise<Health[]> {
  const response = await fetch(mesh.gateway.url.replace('/graphql', '/admin/slo'), {
    headers: personaHeaders('data-steward'),
  });
  expect(response.status).toBe(200);
  return ((await response.json()) as { products: Health[] }).products;
}

describe('the reference mesh, live', () => {
  it('shows all five products healthy within two minutes of a first start', async () => {
    const started = Date.now();
    let products: Health[] = [];
    while (Date.now() - started < 120_000) {
      products = await health();
      if (products.length === 5 && products.every((p) => p.state === 'healthy')) break;
      await new Promise((resolve) => setTimeout(resolve, 1_000));
    }
    const seconds = Math.round((Date.now() - started) / 1000);
    console.log(
      `after ${seconds} s:\n${products.map((p) => `  ${p.product}: ${p.state} (${p.reasons.join('; ')})`).join('\n')}`,
    );
    expect(products.map((p) => [p.product, p.state])).toEqual([
      ['catalog', 'healthy'],
      ['customers', 'healthy'],
      ['orders', 'healthy'],
      ['payments', 'healthy'],
      ['shipping', 'healthy'],
    ]);
    // The world moved: new orders, each with a payment and a shipment, read back through the gateway.
    const orders = mesh.subgraphs.find((s) => s.name === 'orders')!.db;
    const [{ fresh }] = (await orders.query<{ fresh: number }>(
      "SELECT count(*)::int AS fresh FROM orders WHERE placed_at > now() - interval '5 minutes'",
    )) as [{ fresh: number }];
    expect(fresh).toBeGreaterThan(0);
  }, 150_000);
});

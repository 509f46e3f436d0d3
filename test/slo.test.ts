import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { EXAMPLE_QUERY } from '../gateway/cli/example-query.js';
import type { Catalog } from '../gateway/catalog/types.js';
import type { RunningMesh } from '../gateway/cli/mesh.js';
import type { ProductHealth } from '../gateway/health/index.js';
import { qualityFacets } from '../gateway/health/index.js';
import { openQualityStore } from '../gateway/health/open-quality-store.js';
import { ONE_SHOT } from '../gateway/redis/redis-connection.js';
import { openLineageValidator, toOpenLineage } from '../gateway/lineage/index.js';
import type { OpenLineageRunEvent } from '../gateway/lineage/openlineage.js';
import type { RunningGateway } from '../gateway/server.js';
import { dataProducts } from '../subgraphs/index.js';
import { productSla } from '../gateway/protocol/index.js';
import { runMeshgate } from './support/cli.js';
import { sampleEvent } from './support/lineage-event.js';
import { graphql, sharedMesh, testConfig } from './support/mesh.js';
import { gatewayOver, personaHeaders, personaToken } from './support/personas.js';

const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const SLI_PREFIX = `meshgate:test:slo:${process.pid}:${Date.now()}:`;
/** The replicas' quality store: private, so that only this file's results are in it. */
const QUALITY_PREFIX = `meshgate:test:slo-quality:{${process.pid}-${Date.now()}}:`;
/** A third replica's lineage, for `meshgate lineage export` with health facets. */
const LINEAGE_PREFIX = `meshgate:test:slo-lineage:${process.pid}:${Date.now()}:`;
const PRODUCTS = ['catalog', 'customers', 'orders', 'payments', 'shipping'];
/** What each product promises: its contract, read as every consumer of SLA targets reads it. */
const declared = (product: string) =>
  productSla(dataProducts.find((p) => p.descriptor.name === product)!.descriptor);

let mesh: RunningMesh;
/** SLIs in memory: its own numbers only. */
let gateway: RunningGateway;
/** Two replicas adding to one number in Redis. */
let replicas: RunningGateway[];
beforeAll(async () => {
  mesh = await sharedMesh();
  gateway = await gatewayOver(mesh, { MESHGATE_SLI: 'on' });
  const shared = {
    MESHGATE_SLI: 'on',
    REDIS_URL,
    SLI_PREFIX,
    SLI_FLUSH_MS: '200',
    MESHGATE_QUALITY_PREFIX: QUALITY_PREFIX,
  };
  replicas = [await gatewayOver(mesh, shared), await gatewayOver(mesh, shared)];
});
afterAll(async () => {
  await Promise.all([gateway, ...replicas].map((g) => g?.stop()));
  const redis = new Redis(REDIS_URL);
  const keys = [
    ...(await redis.keys(`${SLI_PREFIX}*`)),
    ...(await redis.keys(`${QUALITY_PREFIX}*`)),
    ...(await redis.keys(`${LINEAGE_PREFIX}*`)),
  ];
  if (keys.length) await redis.del(...keys);
  redis.disconnect();
});

const route = (g: RunningGateway, path: string) => g.url.replace('/graphql', path);
const steward = personaHeaders('data-steward');

async function example(g: RunningGateway): Promise<void> {
  const { status, body } = await graphql(g.url, EXAMPLE_QUERY, { headers: steward });
  expect(status).toBe(200);
  expect(body.errors).toBeUndefined();
}

async function adminSlo(g: RunningGateway, query = '') {
  const response = await fetch(route(g, `/admin/slo${query}`), { headers: steward });
  return {
    status: response.status,
    body: (await response.json()) as { products: ProductHealth[]; error?: { code: string } },
  };
}

const fetchesOf = (products: readonly ProductHealth[]) =>
  Object.fromEntries(products.map((p) => [p.product, p.measured.windows['5m'].fetches]));

describe('SLIs from live traffic, per data product', () => {
  let perRequest: Record<string, number>;

  it('counts every fetch of every product: availability 1, in /admin/slo and `meshgate slo --json`', async () => {
    await example(gateway);
    perRequest = fetchesOf((await adminSlo(gateway)).body.products);
    // The example order reads all five products; each is fetched at least once per request.
    expect(Object.keys(perRequest)).toEqual(PRODUCTS);
    for (const product of PRODUCTS) expect(perRequest[product], product).toBeGreaterThan(0);
    for (let i = 0; i < 19; i++) await example(gateway);

    const { status, body } = await adminSlo(gateway);
    expect(status).toBe(200);
    expect(fetchesOf(body.products)).toEqual(
      Object.fromEntries(PRODUCTS.map((p) => [p, perRequest[p]! * 20])),
    );
    for (const health of body.products) {
      expect(health.measured.source).toBe('replica');
      for (const window of ['5m', '1h', '30d'] as const) {
        expect(health.measured.windows[window].availability, `${health.product} ${window}`).toBe(1);
        expect(health.measured.windows[window].burnRate).toBe(0);
      }
      expect(health.measured.errorBudgetRemaining).toBe(1);
      expect(health.measured.alerts.map((a) => a.firing)).toEqual([false, false, false]);
      expect(health.declared).toEqual(declared(health.product));
      // No quality store is wired into this gateway: health says so instead of failing.
      expect(health.state).toBe('degraded');
      expect(health.reasons).toEqual([
        'freshness not measured (no quality store)',
        'quality not measured (no quality store)',
      ]);
    }

    // --gateway: this gateway's own numbers, even where REDIS_URL is set.
    const cli = await runMeshgate(['slo', '--json', '--product', 'orders', '--gateway', route(gateway, '')], {
      NODE_ENV: 'test',
    });
    expect(cli.stderr).toBe('');
    expect(cli.code).toBe(0);
    const printed = JSON.parse(cli.stdout) as { products: ProductHealth[] };
    expect(
      printed.products.map((p) => [
        p.product,
        p.measured.windows['1h'].fetches,
        p.measured.windows['1h'].availability,
      ]),
    ).toEqual([['orders', perRequest.orders! * 20, 1]]);
  });

  it('refuses a reader without role admin or data-steward, a bad parameter, an unknown product', async () => {
    const analyst = await fetch(route(gateway, '/admin/slo'), { headers: personaHeaders('analyst') });
    expect(analyst.status).toBe(403);
    expect(await analyst.json()).toMatchObject({ error: { code: 'SLO_FORBIDDEN' } });
    expect(await adminSlo(gateway, '?series=7y&product=orders')).toMatchObject({
      status: 400,
      body: { error: { code: 'BAD_USER_INPUT' } },
    });
    expect(await adminSlo(gateway, '?product=inventory')).toMatchObject({
      status: 404,
      body: { error: { code: 'UNKNOWN_SUBGRAPH' } },
    });
    const cli = await runMeshgate(
      ['slo', '--gateway', route(gateway, ''), '--token', personaToken('analyst')],
      { NODE_ENV: 'test' },
    );
    expect(cli.code).toBe(1);
    expect(cli.stderr).toContain('meshgate: error[SLO_FORBIDDEN]');
  });

  it('serves the time series for charts', async () => {
    const { body } = await adminSlo(gateway, '?product=orders&series=5m');
    const series = (body as unknown as { series: { window: string; points: { fetches: number }[] } }).series;
    expect(series.window).toBe('5m');
    expect(series.points).toHaveLength(30);
    expect(series.points.reduce((n, p) => n + p.fetches, 0)).toBe(perRequest.orders! * 20);
  });

  it('exposes the data product gauges and counters in /metrics', async () => {
    const text = await (await fetch(route(gateway, '/metrics'))).text();
    for (const product of PRODUCTS) {
      const n = perRequest[product]! * 20;
      expect(text).toContain(`meshgate_data_product_fetches_total{product="${product}",outcome="ok"} ${n}`);
      expect(text).toContain(`meshgate_data_product_fetch_duration_seconds_count{product="${product}"} ${n}`);
      expect(text).toContain(`meshgate_data_product_availability_ratio{product="${product}",window="1h"} 1`);
      expect(text).toContain(`meshgate_data_product_error_budget_remaining_ratio{product="${product}"} 1`);
      expect(text).toContain(`meshgate_data_product_burn_rate{product="${product}",window="5m"} 0`);
      expect(text).toContain(`meshgate_data_product_health{product="${product}",state="degraded"} 1`);
      expect(text).toContain(`meshgate_data_product_health{product="${product}",state="failing"} 0`);
      expect(text).toMatch(
        new RegExp(
          `meshgate_data_product_latency_p95_seconds\\{product="${product}",window="5m"\\} 0\\.\\d+`,
        ),
      );
    }
    // The 300 ms latency target is a bucket bound: Prometheus computes the latency SLI exactly.
    expect(text).toContain('meshgate_data_product_fetch_duration_seconds_bucket{le="0.3",product="orders"}');
    expect(text).toContain('meshgate_sli_store_degraded 0');
  });

  it('shows health in /catalog: the declared SLA beside what was measured', async () => {
    const response = await fetch(route(gateway, '/catalog/orders'), { headers: personaHeaders('analyst') });
    const catalog = (await response.json()) as Catalog;
    const orders = catalog.products[0]!;
    expect(orders.dataHealth).toMatchObject({
      state: 'degraded',
      reasons: ['freshness not measured (no quality store)', 'quality not measured (no quality store)'],
      declared: declared('orders'),
      measured: {
        windows: { '1h': { fetches: perRequest.orders! * 20, availability: 1 } },
        errorBudgetRemaining: 1,
      },
    });
  });

  it('puts health on the product datasets of OpenLineage events, valid against the spec', async () => {
    const { body } = await adminSlo(gateway);
    const facets = qualityFacets(body.products.map((health) => ({ health, results: [], freshness: [] })));
    const run = toOpenLineage(
      sampleEvent({ reads: [{ path: 'order.id', coordinate: 'Order.id', product: 'orders', type: 'ID!' }] }),
      'meshgate',
      facets,
    );
    expect(openLineageValidator()(run)).toEqual([]);
    const input = (run.inputs as { inputFacets: { dataQualityAssertions: { assertions: unknown[] } } }[])[0]!;
    expect(input.inputFacets.dataQualityAssertions.assertions).toEqual([
      { assertion: `availability >= ${declared('orders').availabilityPercent}% over 30d`, success: true },
      { assertion: 'error budget remaining > 0 over 30d', success: true },
      { assertion: `95% of fetches within ${declared('orders').latencyP95Ms} ms over 1h`, success: true },
    ]);
  });

  it('two replicas add to one number in Redis, which `meshgate slo` reads directly', async () => {
    for (let i = 0; i < 7; i++) await example(replicas[0]!);
    for (let i = 0; i < 5; i++) await example(replicas[1]!);
    const expected = Object.fromEntries(PRODUCTS.map((p) => [p, perRequest[p]! * 12]));
    // Each replica flushes every 200 ms; either one then answers the shared sum.
    await vi.waitFor(
      async () => expect(fetchesOf((await adminSlo(replicas[1]!)).body.products)).toEqual(expected),
      {
        timeout: 10_000,
        interval: 100,
      },
    );
    expect(fetchesOf((await adminSlo(replicas[0]!)).body.products)).toEqual(expected);
    expect((await adminSlo(replicas[0]!)).body.products[0]!.measured.source).toBe('shared');

    const cli = await runMeshgate(['slo', '--json'], { NODE_ENV: 'test', REDIS_URL, SLI_PREFIX });
    expect(cli.stderr).toBe('');
    const printed = JSON.parse(cli.stdout) as { products: ProductHealth[] };
    expect(fetchesOf(printed.products)).toEqual(expected);
  });

  it('reads quality from the shared store: a blocking rule that fails makes the product failing, everywhere', async () => {
    const config = testConfig({ REDIS_URL, MESHGATE_QUALITY_PREFIX: QUALITY_PREFIX });
    const quality = openQualityStore(config.quality, ONE_SHOT);
    const at = new Date().toISOString();
    await quality.store.record([
      {
        product: 'payments',
        ruleId: 'payment-amount-positive',
        dimension: 'accuracy',
        metric: 'invalidValues',
        measured: 2,
        threshold: 'mustBe 0',
        passed: false,
        severity: 'error',
        durationMs: 3,
        at,
      },
    ]);
    await quality.store.recordFreshness([
      {
        product: 'payments',
        element: 'payments.created_at',
        newest: at,
        lagSeconds: 30,
        maxLagSeconds: 900,
        at,
      },
    ]);
    await quality.close();
    const [payments] = (await adminSlo(replicas[0]!, '?product=payments')).body.products;
    expect(payments).toMatchObject({
      state: 'failing',
      reasons: [
        'quality rule payment-amount-positive (accuracy, error) failed: measured 2, must be mustBe 0',
      ],
      measured: { freshnessLagSeconds: 30, qualityPassRatio: 0 },
    });
    const metrics = await (await fetch(route(replicas[0]!, '/metrics'))).text();
    expect(metrics).toContain('meshgate_data_product_health{product="payments",state="failing"} 1');
    expect(metrics).toContain('meshgate_data_product_quality_pass_ratio{product="payments"} 0');
    expect(metrics).toContain('meshgate_data_product_freshness_lag_seconds{product="payments"} 30');

    const text = await runMeshgate(['slo', '--product', 'payments'], {
      NODE_ENV: 'test',
      REDIS_URL,
      SLI_PREFIX,
      MESHGATE_QUALITY_PREFIX: QUALITY_PREFIX,
    });
    expect(text.stderr).toBe('');
    expect(text.stdout).toContain('payments  FAILING  (measured: every replica)');
    expect(text.stdout).toContain('  - quality rule payment-amount-positive (accuracy, error) failed');
    expect(text.stdout).toMatch(new RegExp(`\\n  1h\\s+${perRequest.payments! * 12}\\s+100\\.000%`));
  });

  it("`meshgate lineage export` puts every replica's health on the product datasets", async () => {
    // A replica recording lineage into Redis, beside the two SLI replicas.
    const recording = await gatewayOver(mesh, {
      MESHGATE_SLI: 'on',
      REDIS_URL,
      SLI_PREFIX,
      MESHGATE_QUALITY_PREFIX: QUALITY_PREFIX,
      MESHGATE_LINEAGE: 'on',
      LINEAGE_PREFIX,
    });
    try {
      await example(recording);
      const env = {
        NODE_ENV: 'test',
        REDIS_URL,
        SLI_PREFIX,
        MESHGATE_QUALITY_PREFIX: QUALITY_PREFIX,
        LINEAGE_PREFIX,
      };
      const exported = await vi.waitFor(
        async () => {
          const run = await runMeshgate(['lineage', 'export', '--product', 'payments'], env);
          if (!run.stdout.trim()) throw new Error(`no event exported yet: ${run.stderr}`);
          return run;
        },
        // Each try is a CLI process: a loaded machine took longer than 10 s for the first two.
        { timeout: 40_000, interval: 200 },
      );
      expect(exported.stderr).toContain('OpenLineage RunEvent(s), all valid');
      const [event] = exported.stdout
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line) as OpenLineageRunEvent);
      const inputs = event!.inputs as {
        name: string;
        inputFacets?: Record<string, { assertions?: unknown[] }>;
      }[];
      const payments = inputs.find((i) => i.name === 'payments')!;
      // The failing rule the previous test recorded, as an assertion that did not hold.
      expect(payments.inputFacets?.dataQualityAssertions?.assertions).toEqual(
        expect.arrayContaining([
          {
            assertion: 'payment-amount-positive: invalidValues mustBe 0 (error)',
            success: false,
          },
        ]),
      );
      expect(inputs.map((i) => i.name).sort()).toEqual(PRODUCTS);
      expect(inputs.every((i) => i.inputFacets?.dataQualityAssertions !== undefined)).toBe(true);
    } finally {
      await recording.stop();
    }
  });
});

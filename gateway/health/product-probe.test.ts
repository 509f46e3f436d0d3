import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import { probeTargets, startProductProbe } from './product-probe.js';

/** A real subgraph stand-in on loopback whose GraphQL answers `{ __typename }` with `status` (0: the port is closed). */
async function healthServer(): Promise<{
  url: string;
  set(status: number): Promise<void>;
  close(): Promise<void>;
}> {
  let status = 200;
  let server: Server | null = null;
  let port = 0;
  const listen = async () => {
    server = createServer((req, res) =>
      res
        .writeHead(req.method === 'POST' && req.url === '/graphql' ? status : 404, {
          'content-type': 'application/json',
        })
        .end(status === 200 ? '{"data":{"__typename":"Query"}}' : '{"errors":[{"message":"unavailable"}]}'),
    );
    await new Promise<void>((resolve) => server!.listen(port, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  };
  const close = async () => {
    const s = server;
    server = null;
    if (s) await new Promise<void>((resolve) => s.close(() => resolve()).closeAllConnections());
  };
  await listen();
  return {
    url: `http://127.0.0.1:${port}/graphql`,
    async set(next) {
      if (next === 0) return close();
      status = next;
      if (!server) await listen();
    },
    close,
  };
}

const servers: { close(): Promise<void> }[] = [];
afterAll(async () => {
  await Promise.all(servers.map((s) => s.close()));
});

describe('the scheduled product probe', () => {
  it('finds a product down after N failed probes in a row, and up at the first that passes', async () => {
    const payments = await healthServer();
    servers.push(payments);
    const outcomes: string[] = [];
    let clock = Date.parse('2026-01-01T00:00:00Z');
    const probe = startProductProbe({
      // The timer is left to tests of their own: rounds here run on probeOnce().
      config: { intervalMs: 600_000, failures: 3, timeoutMs: 1_000 },
      targets: () => ({ payments: payments.url }),
      onProbe: (product, ok) => outcomes.push(`${product} ${ok ? 'ok' : 'failed'}`),
      now: () => (clock += 1_000),
    });
    expect(probe.reading('payments')).toBeNull();
    await probe.probeOnce();
    expect(probe.reading('payments')).toMatchObject({ state: 'up', consecutiveFailures: 0 });

    await payments.set(0); // SIGKILL: nothing listens
    await probe.probeOnce();
    await probe.probeOnce();
    expect(probe.downs()).toEqual([]);
    expect(probe.reading('payments')).toMatchObject({
      state: 'up',
      consecutiveFailures: 2,
      lastError: 'ECONNREFUSED',
    });
    await probe.probeOnce();
    expect(probe.downs()).toEqual([
      {
        product: 'payments',
        consecutiveFailures: 3,
        threshold: 3,
        since: Date.parse('2026-01-01T00:00:02Z'),
        lastError: 'ECONNREFUSED',
        lastOkAt: Date.parse('2026-01-01T00:00:01Z'),
        intervalMs: 600_000,
      },
    ]);
    expect(probe.reading('payments')).toMatchObject({
      state: 'down',
      failingSince: '2026-01-01T00:00:02.000Z',
      lastOkAt: '2026-01-01T00:00:01.000Z',
    });

    await payments.set(503); // up again but unhealthy: still a failure
    await probe.probeOnce();
    expect(probe.reading('payments')).toMatchObject({
      state: 'down',
      consecutiveFailures: 4,
      lastError: 'HTTP 503 (unavailable)',
    });
    await payments.set(200);
    await probe.probeOnce();
    expect(probe.downs()).toEqual([]);
    expect(probe.reading('payments')).toMatchObject({
      state: 'up',
      consecutiveFailures: 0,
      failingSince: null,
    });
    expect(outcomes).toEqual([
      'payments ok',
      'payments failed',
      'payments failed',
      'payments failed',
      'payments failed',
      'payments ok',
    ]);
    await probe.close();
  });

  it('probes on its own timer, traffic or not, and stops on close', async () => {
    const shipping = await healthServer();
    servers.push(shipping);
    await shipping.set(0);
    const probe = startProductProbe({
      config: { intervalMs: 100, failures: 2, timeoutMs: 100 },
      targets: () => ({ shipping: shipping.url }),
    });
    const deadline = Date.now() + 5_000;
    while (probe.downs().length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    expect(probe.downs().map((d) => d.product)).toEqual(['shipping']);
    await probe.close();
    const after = probe.reading('shipping')!.consecutiveFailures;
    await new Promise((r) => setTimeout(r, 300)); // bounded: proves no further round ran
    expect(probe.reading('shipping')!.consecutiveFailures).toBe(after);
  });

  it('probes the supergraph subgraphs at their SUBGRAPH_URLS', () => {
    expect(probeTargets(null, {})).toEqual({});
    expect(
      probeTargets(
        { subgraphUrls: { orders: 'http://a/graphql', payments: 'http://b/graphql' } },
        {
          payments: 'http://c/graphql',
          other: 'http://d/graphql',
        },
      ),
    ).toEqual({ orders: 'http://a/graphql', payments: 'http://c/graphql' });
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../gateway/config/config.js';
import { createLogger } from '../gateway/common/logger.js';
import type { RunningMesh } from '../gateway/cli/mesh.js';
import { startGateway, type RunningGateway } from '../gateway/server.js';
import { graphql, sharedMesh } from './support/mesh.js';

let mesh: RunningMesh;
let introspecting: RunningGateway;
beforeAll(async () => {
  mesh = await sharedMesh();
  // Development mode: no supergraph file; compose the live subgraphs' SDL at start.
  const urls = mesh.subgraphs.map((s) => `${s.name}=${s.url}`).join(',');
  introspecting = await startGateway(
    loadConfig(
      { NODE_ENV: 'test', LOG_LEVEL: 'silent', PORT: '0', SUBGRAPH_URLS: urls },
      { introspect: true },
    ),
    createLogger('silent'),
  );
});
afterAll(() => introspecting.stop());

describe('gateway endpoints', () => {
  it('answers liveness at /health', async () => {
    const response = await fetch(mesh.gateway.url.replace('/graphql', '/health'));
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: 'ok' });
  });

  it('is ready at /ready once a supergraph is served, and names it', async () => {
    const response = await fetch(mesh.gateway.url.replace('/graphql', '/ready'));
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({
      status: 'ready',
      ready: true,
      supergraph: {
        source: expect.stringMatching(/schema\/supergraph\.graphql$/),
        id: expect.stringMatching(/^[0-9a-f]{12}$/),
        loadedAt: expect.any(String),
        // Only a gateway serving the registry has a registry version.
        version: null,
      },
    });
  });

  it('refuses a bad page argument with BAD_USER_INPUT from the owning subgraph', async () => {
    const { body } = await graphql(mesh.gateway.url, '{ orders(first: 500) { totalCount } }');
    expect(body.data?.orders ?? null).toBeNull();
    expect(body.errors?.[0]).toMatchObject({
      message: '"first" must be an integer from 0 to 100, got 500',
      extensions: { code: 'BAD_USER_INPUT', argument: 'first', serviceName: 'orders' },
    });
  });

  it('echoes a caller request id, and makes one up otherwise', async () => {
    const withId = await fetch(mesh.gateway.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-request-id': 'trace-abc.123' },
      body: JSON.stringify({ query: '{ __typename }' }),
    });
    expect(withId.headers.get('x-request-id')).toBe('trace-abc.123');
    const injected = await fetch(mesh.gateway.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-request-id': 'bad id\twith spaces' },
      body: JSON.stringify({ query: '{ __typename }' }),
    });
    expect(injected.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });
});

describe('development: composing from live subgraph URLs', () => {
  it('serves the same answers as the committed supergraph', async () => {
    const query =
      '{ product(sku: "SKU-0042") { name weightGrams unitsSold shippingEstimate(destinationCountry: "NL") { carrier days } category { name } } }';
    const [live, committed] = await Promise.all([
      graphql(introspecting.url, query),
      graphql(mesh.gateway.url, query),
    ]);
    expect(live.body.errors).toBeUndefined();
    expect(live.body).toEqual(committed.body);
    const ready = await (await fetch(introspecting.url.replace('/graphql', '/ready'))).json();
    expect(ready).toMatchObject({
      ready: true,
      supergraph: { source: 'composed from customers, catalog, orders, payments, shipping' },
    });
  });
});

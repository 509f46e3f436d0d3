import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ApolloGateway } from '@apollo/gateway';
import { ApolloServer } from '@apollo/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { contextTokenKey, createContextTokenSigner } from '../gateway/subgraph-fetch/context-token.js';
import { RequestState, stageRunner } from '../gateway/pipeline/index.js';
import { supergraphModel } from '../gateway/supergraph/supergraph-model.js';
import { deleteKeys } from '../bench/lineage-bench.js';
import {
  LineageRecorder,
  openLineageValidator,
  postOpenLineage,
  redisStore,
  toOpenLineage,
  consumersOf,
  type LineageEvent,
  type RedisLineageStore,
} from '../gateway/lineage/index.js';
import { createLogger } from '../gateway/common/logger.js';
import type { RunningMesh } from '../gateway/cli/mesh.js';
import { startGateway, type RunningGateway } from '../gateway/server.js';
import { SubgraphDataSource } from '../gateway/subgraph-fetch/subgraph-data-source.js';
import type { FieldDecision, Principal } from '../gateway/common/types.js';
import { useLineage } from '../gateway/lineage/use-lineage.js';
import { graphql, sharedMesh, testConfig } from './support/mesh.js';
import { issueToken } from '../gateway/auth/index.js';
import { redisServer } from '../gateway/redis/redis-config.js';

/**
 * Lineage events of real operations through the real gateway and subgraphs, stored in the
 * real Redis (127.0.0.1:6379) under a key prefix unique to this run, deleted afterwards.
 * Personas are set on the context as the policy layer will set them (principal, decisions).
 */
const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const prefix = `meshgate-test:lineage:${process.pid}-${Date.now()}:`;
const dir = mkdtempSync(join(tmpdir(), 'meshgate-lineage-'));
const SUPERGRAPH = readFileSync(new URL('../schema/supergraph.graphql', import.meta.url), 'utf8');

let mesh: RunningMesh;
let store: RedisLineageStore;
let recorder: LineageRecorder;
let server: ApolloServer<RequestState>;

const QUERY = `query CustomerOrder($id: ID!) {
  order(id: $id) {
    id
    customer { name email phone }
    payments { method amount { amount } }
  }
}`;

const persona = (sub: string, roles: string[]): Principal => ({
  sub,
  anonymous: false,
  roles,
  scopes: [],
  teams: [],
  attributes: {},
});
const PERSONAS: { principal: Principal; decisions: FieldDecision[] }[] = [
  {
    principal: persona('alice', ['analyst']),
    decisions: [
      { coordinate: 'Customer.email', effect: 'mask', strategy: 'hash', rule: 'analyst-pseudonymise-email' },
      { coordinate: 'Customer.phone', effect: 'deny', rule: 'analyst-no-phone' },
    ],
  },
  {
    principal: persona('sven', ['support']),
    decisions: [{ coordinate: 'Customer.email', effect: 'allow', rule: 'support-contact' }],
  },
  {
    principal: persona('fiona', ['finance']),
    decisions: [{ coordinate: 'Customer.phone', effect: 'deny', rule: 'finance-no-contact' }],
  },
  { principal: persona('dana', ['data-steward']), decisions: [] },
];

beforeAll(async () => {
  mesh = await sharedMesh();
  store = await redisStore({ connection: redisServer(REDIS_URL), prefix, connect: true });
  recorder = new LineageRecorder({ store, spoolPath: join(dir, 'spool.ndjson') });
  const urls = Object.fromEntries(mesh.subgraphs.map((s) => [s.name, s.url]));
  // Signed as the shared mesh's gateway signs, so its subgraphs take the requests.
  const { contextToken } = testConfig().security;
  const signer = createContextTokenSigner(
    contextTokenKey(contextToken, testConfig().stateDir),
    contextToken.ttlSeconds,
  );
  // The lineage stage alone, through the runner as the gateway runs it.
  const runner = stageRunner([useLineage({ lineage: { recorder, store } })]);
  const gateway = new ApolloGateway({
    supergraphSdl: SUPERGRAPH,
    buildService: ({ name }) =>
      new SubgraphDataSource({
        name,
        url: urls[name]!,
        contextToken: signer,
        onFetch: runner.subgraphFetched,
      }),
  });
  gateway.onSchemaLoadOrUpdate(({ coreSupergraphSdl, apiSchema }) =>
    runner.schemaChanged(supergraphModel(coreSupergraphSdl, { apiSchema })),
  );
  server = new ApolloServer<RequestState>({ gateway, plugins: [runner.plugin] });
  await server.start();
  for (const { principal, decisions } of PERSONAS) {
    const result = await server.executeOperation(
      { query: QUERY, variables: { id: '42' } },
      { contextValue: context(principal, decisions) },
    );
    expect(result.body.kind === 'single' && result.body.singleResult.errors).toBeUndefined();
  }
  await server.executeOperation(
    { query: '{ order(id: ' },
    { contextValue: context(persona('mallory', ['analyst']), []) },
  );
  await recorder.flush();
});

afterAll(async () => {
  await server?.stop();
  await recorder?.close();
  await deleteKeys(REDIS_URL, prefix);
  rmSync(dir, { recursive: true, force: true });
});

/** A request's state as authenticate and the policy stage leave it (principal, decisions). */
function context(principal: Principal, decisions: FieldDecision[]): RequestState {
  const state = new RequestState(`req-${principal.sub}`, { name: 'lineage-test', version: '2.1' });
  state.principal = principal;
  state.decisions = decisions;
  return state;
}

const since = () => Date.now() - 3_600_000;
async function eventOf(sub: string): Promise<LineageEvent> {
  const events = await store.query({ since: since(), principal: sub, limit: 10 });
  expect(events).toHaveLength(1);
  return events[0]!;
}

describe('a lineage event per operation, per persona, in Redis', () => {
  it('records who read which field of which data product, under which decision', async () => {
    const event = await eventOf('alice');
    expect(event).toMatchObject({
      requestId: 'req-alice',
      principal: { sub: 'alice', anonymous: false, roles: ['analyst'] },
      client: { name: 'lineage-test', version: '2.1' },
      operation: {
        name: 'CustomerOrder',
        type: 'query',
        hash: createHash('sha256').update(QUERY).digest('hex'),
      },
      products: ['customers', 'orders', 'payments'],
      outcome: 'ok',
      errorCodes: [],
    });
    expect(event.fields.map((f) => [f.path, f.coordinate, f.product, f.decision])).toEqual([
      ['order', 'Query.order', 'orders', { effect: 'allow', rule: null }],
      ['order.id', 'Order.id', 'orders', { effect: 'allow', rule: null }],
      ['order.customer', 'Order.customer', 'orders', { effect: 'allow', rule: null }],
      ['order.customer.name', 'Customer.name', 'customers', { effect: 'allow', rule: null }],
      [
        'order.customer.email',
        'Customer.email',
        'customers',
        { effect: 'mask', strategy: 'hash', rule: 'analyst-pseudonymise-email' },
      ],
      ['order.customer.phone', 'Customer.phone', 'customers', { effect: 'deny', rule: 'analyst-no-phone' }],
      ['order.payments', 'Order.payments', 'payments', { effect: 'allow', rule: null }],
      ['order.payments.method', 'Payment.method', 'payments', { effect: 'allow', rule: null }],
      ['order.payments.amount', 'Payment.amount', 'payments', { effect: 'allow', rule: null }],
      ['order.payments.amount.amount', 'Money.amount', 'payments', { effect: 'allow', rule: null }],
    ]);
    expect(event.fetches.map((f) => f.subgraph).sort()).toEqual(['customers', 'orders', 'payments']);
    expect(event.fetches.every((f) => f.ok && f.durationMs >= 0)).toBe(true);
    expect(event.fetches.find((f) => f.subgraph === 'customers')?.entityCount).toBe(1);
    // Variable values are never recorded.
    expect(JSON.stringify(event)).not.toContain('"42"');
  });

  it('records each persona with its own decisions', async () => {
    const decisionOn = (e: LineageEvent, coordinate: string) =>
      e.fields.find((f) => f.coordinate === coordinate)?.decision;
    expect(decisionOn(await eventOf('sven'), 'Customer.email')).toEqual({
      effect: 'allow',
      rule: 'support-contact',
    });
    expect(decisionOn(await eventOf('fiona'), 'Customer.phone')).toEqual({
      effect: 'deny',
      rule: 'finance-no-contact',
    });
    const dana = await eventOf('dana');
    expect(dana.principal.roles).toEqual(['data-steward']);
    expect(dana.fields.every((f) => f.decision.effect === 'allow')).toBe(true);
  });

  it('records rejected operations too (a parse error)', async () => {
    const event = await eventOf('mallory');
    expect(event).toMatchObject({
      outcome: 'rejected',
      errorCodes: ['GRAPHQL_PARSE_FAILED'],
      fields: [],
      operation: { name: null },
    });
  });
});

describe('lineage query filters (Redis indexes)', () => {
  it('filters by product, principal, field and time, and combines them', async () => {
    const subs = async (filter: Record<string, string>) =>
      (await store.query({ since: since(), limit: 100, ...filter })).map((e) => e.principal.sub).sort();
    expect(await subs({ product: 'payments' })).toEqual(['alice', 'dana', 'fiona', 'sven']);
    expect(await subs({ product: 'payments', principal: 'fiona' })).toEqual(['fiona']);
    expect(await subs({ field: 'Customer.email', principal: 'dana' })).toEqual(['dana']);
    expect(await subs({ product: 'shipping' })).toEqual([]);
    expect(await subs({})).toEqual(['alice', 'dana', 'fiona', 'mallory', 'sven']);
    expect(await store.query({ since: Date.now() + 60_000, product: 'payments', limit: 100 })).toEqual([]);
    expect(await store.query({ since: since(), product: 'payments', limit: 2 })).toHaveLength(2);
  });

  it('reports the consumers of a data product: principal, fields, count, last seen', async () => {
    const consumers = consumersOf(
      await store.query({ since: since(), product: 'customers', limit: 100 }),
      'customers',
    );
    expect(consumers.map((c) => [c.principal, c.fields, c.count])).toEqual([
      ['alice', ['Customer.email', 'Customer.name'], 1],
      ['dana', ['Customer.email', 'Customer.name', 'Customer.phone'], 1],
      ['fiona', ['Customer.email', 'Customer.name'], 1],
      ['sven', ['Customer.email', 'Customer.name', 'Customer.phone'], 1],
    ]);
  });
});

describe('OpenLineage export', () => {
  it('turns every stored event into a RunEvent that validates against the vendored OpenLineage schemas', async () => {
    const validate = openLineageValidator();
    const events = await store.query({ since: since(), limit: 100 });
    expect(events).toHaveLength(5);
    for (const event of events) expect(validate(toOpenLineage(event))).toEqual([]);
    const run = toOpenLineage(await eventOf('alice')) as ReturnType<typeof toOpenLineage> & {
      inputs: { name: string }[];
      outputs: {
        facets: {
          columnLineage: {
            fields: Record<
              string,
              { inputFields: { name: string; field: string; transformations: { masking: boolean }[] }[] }
            >;
          };
        };
      }[];
    };
    expect(run.eventType).toBe('COMPLETE');
    expect(run.job.name).toBe('CustomerOrder');
    expect(run.inputs.map((i) => i.name)).toEqual(['orders', 'customers', 'payments']);
    const lineage = run.outputs[0]!.facets.columnLineage.fields;
    expect(lineage['order.customer.email']!.inputFields[0]).toMatchObject({
      name: 'customers',
      field: 'Customer.email',
      transformations: [{ masking: true }],
    });
    expect(lineage['order.customer.name']!.inputFields[0]).toMatchObject({
      name: 'customers',
      field: 'Customer.name',
      transformations: [{ masking: false }],
    });
    expect(lineage['order.customer.phone']).toBeUndefined(); // denied: not in the response
    expect(toOpenLineage(await eventOf('mallory')).eventType).toBe('FAIL');
    // A broken event is caught, not exported.
    expect(validate({ ...run, run: { runId: 'not-a-uuid' } })).toContain(
      '/run/runId: must match format "uuid"',
    );
  });

  it('posts RunEvents to an OpenLineage endpoint, retrying 5xx, failing on 4xx', async () => {
    const received: string[] = [];
    let failures = 2;
    const endpoint: Server = createServer((request, response) => {
      let body = '';
      request.on('data', (chunk: Buffer) => (body += chunk.toString()));
      request.on('end', () => {
        if (request.url !== '/api/v1/lineage') return response.writeHead(404).end();
        if (body.includes('"reject-me"')) return response.writeHead(422).end();
        if (failures-- > 0) return response.writeHead(503).end();
        received.push((JSON.parse(body) as { run: { runId: string } }).run.runId);
        response.writeHead(201).end();
      });
    });
    await new Promise<void>((resolve) => endpoint.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(endpoint.address() as { port: number }).port}`;
    try {
      const runs = (await store.query({ since: since(), limit: 100 })).map((e) => toOpenLineage(e));
      expect(await postOpenLineage(runs, { url, backoffMs: 10 })).toEqual({ posted: 5, attempts: 7 });
      expect(received).toEqual(runs.map((r) => r.run.runId));
      await expect(
        postOpenLineage([{ ...runs[0], job: { namespace: 'x', name: 'reject-me' } }], { url, backoffMs: 10 }),
      ).rejects.toMatchObject({
        code: 'LINEAGE_SINK_FAILED',
        message: expect.stringContaining('HTTP 422'),
      });
    } finally {
      endpoint.close();
    }
  });
});

describe('the gateway wiring', () => {
  let gateway: RunningGateway;
  const gatewayPrefix = `${prefix}gw:`;
  const config = testConfig({
    PORT: '0',
    REDIS_URL,
    LINEAGE_PREFIX: gatewayPrefix,
    MESHGATE_STATE_DIR: join(dir, 'gateway'),
  });
  beforeAll(async () => {
    gateway = await startGateway(
      { ...config, subgraphUrls: Object.fromEntries(mesh.subgraphs.map((s) => [s.name, s.url])) },
      createLogger('silent'),
    );
  });
  afterAll(async () => {
    await gateway?.stop();
  });

  it('records an HTTP operation in Redis, flushed by stop(), and keeps /admin/lineage to admins', async () => {
    const { status, body } = await graphql(gateway.url, 'query Ping { order(id: "42") { id } }', {
      headers: { 'apollographql-client-name': 'curl', 'x-request-id': 'lineage-http-1' },
    });
    expect(status).toBe(200);
    const admin = await fetch(gateway.url.replace('/graphql', '/admin/lineage?product=orders'));
    expect(admin.status).toBe(403);
    expect(await admin.json()).toMatchObject({ error: { code: 'LINEAGE_FORBIDDEN' } });
    const broken = await fetch(gateway.url.replace('/graphql', '/admin/lineage'), {
      headers: { authorization: 'Bearer not.a.jwt' },
    });
    expect(broken.status).toBe(401);
    const steward = issueToken(config.security.auth, config.stateDir, {
      sub: 'stew',
      roles: ['data-steward'],
    });
    await expect
      .poll(
        async () => {
          const allowed = await fetch(gateway.url.replace('/graphql', '/admin/lineage?product=orders'), {
            headers: { authorization: `Bearer ${steward}` },
          });
          return {
            status: allowed.status,
            ids: ((await allowed.json()) as { events?: { requestId: string }[] }).events?.map(
              (e) => e.requestId,
            ),
          };
        },
        { timeout: 10_000 },
      )
      .toEqual({ status: 200, ids: ['lineage-http-1'] });
    await gateway.stop(); // graceful: flushes the recorder
    const reader = await redisStore({
      connection: redisServer(REDIS_URL),
      prefix: gatewayPrefix,
      connect: true,
    });
    try {
      const events = await reader.query({ since: since(), limit: 10 });
      // Whatever the policies let anonymous read, the event's outcome and codes are the response's.
      const codes = (body.errors ?? []).map((e) => e.extensions?.code);
      expect(
        events.map((e) => [
          e.requestId,
          e.client.name,
          e.operation.name,
          e.principal.sub,
          e.outcome,
          e.errorCodes,
          e.products,
        ]),
      ).toEqual([
        ['lineage-http-1', 'curl', 'Ping', 'anonymous', codes.length ? 'partial' : 'ok', codes, ['orders']],
      ]);
    } finally {
      await reader.close();
    }
  });
});

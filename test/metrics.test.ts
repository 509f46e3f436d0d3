import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXAMPLE_QUERY } from '../gateway/cli/example-query.js';
import type { RunningGateway } from '../gateway/server.js';
import { findDataProduct } from '../subgraphs/index.js';
import { startSubgraph, type RunningSubgraph } from '../subgraphs/kit/server.js';
import { TEST_DATABASE_URL, graphql, sharedMesh, testContextKey } from './support/mesh.js';
import { captureLogger, opsGateway } from './support/ops.js';
import { personaToken } from './support/personas.js';

/** /metrics in Prometheus text, the request log, and the request id reaching a subgraph's log. */
const gatewayLog = captureLogger();
const subgraphLog = captureLogger();
let gateway: RunningGateway;
let payments: RunningSubgraph;
let paymentsStopped = false;
beforeAll(async () => {
  const mesh = await sharedMesh();
  payments = await startSubgraph(findDataProduct('payments'), {
    port: 0,
    host: '127.0.0.1',
    databaseUrl: TEST_DATABASE_URL,
    contextKey: testContextKey(),
    logger: subgraphLog.logger,
  });
  gateway = await opsGateway(mesh, { MESHGATE_LINEAGE: 'on' }, gatewayLog.logger, { payments: payments.url });
});
afterAll(async () => {
  await gateway.stop();
  if (!paymentsStopped) await payments.stop();
});

async function metrics(): Promise<{ status: number; type: string | null; text: string }> {
  const response = await fetch(gateway.url.replace('/graphql', '/metrics'));
  return { status: response.status, type: response.headers.get('content-type'), text: await response.text() };
}

function value(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

describe('metrics and logs', () => {
  it('counts operations by name and outcome, with latency, fetches, decisions and lineage', async () => {
    const analyst = { authorization: `Bearer ${personaToken('analyst')}`, 'x-request-id': 'metrics-test-1' };
    const named = EXAMPLE_QUERY.replace(/^\s*(query\s+\w+)?\s*\{/, 'query MetricsExample {');
    expect((await graphql(gateway.url, named, { headers: analyst })).status).toBe(200);
    expect(
      (
        await graphql(gateway.url, '{ customer(id: "7") { email } }', {
          headers: { authorization: analyst.authorization },
        })
      ).status,
    ).toBe(200);
    expect((await graphql(gateway.url, '{ nope }')).status).toBe(400);

    const { status, type, text } = await metrics();
    expect(status).toBe(200);
    expect(type).toMatch(/^text\/plain; version=0\.0\.4/);
    expect(value(text, 'meshgate_requests_total{operation="MetricsExample",outcome="ok"}')).toBe(1);
    expect(value(text, 'meshgate_requests_total{operation="__anonymous",outcome="rejected"}')).toBe(1);
    expect(value(text, 'meshgate_errors_total{code="GRAPHQL_VALIDATION_FAILED"}')).toBe(1);
    expect(
      value(text, 'meshgate_request_duration_seconds_count{operation="MetricsExample",outcome="ok"}'),
    ).toBe(1);
    for (const subgraph of ['orders', 'customers', 'payments', 'shipping']) {
      expect(
        value(text, `meshgate_subgraph_fetch_duration_seconds_count{subgraph="${subgraph}"}`),
      ).toBeGreaterThanOrEqual(1);
    }
    expect(text).toMatch(/^meshgate_policy_decisions_total\{effect="mask",rule="[^"]+"\} [1-9]/m);
    expect(text).toMatch(/^meshgate_policy_decisions_total\{effect="allow",rule="[^"]+"\} [1-9]/m);
    expect(value(text, 'meshgate_lineage_queue_depth')).toBe(0);
    expect(value(text, 'meshgate_lineage_events{state="recorded"}')).toBe(3);
    expect(value(text, 'meshgate_lineage_pending_events')).toBe(0);
    expect(value(text, 'meshgate_process_resident_memory_bytes')).toBeGreaterThan(0);
  });

  it('counts a failing subgraph fetch as an error of that subgraph', async () => {
    await payments.stop();
    paymentsStopped = true;
    const { body } = await graphql(gateway.url, '{ order(id: "42") { id payments { status } } }');
    expect(body.errors?.[0]?.extensions?.code).toBe('SUBGRAPH_UNAVAILABLE');
    expect(value((await metrics()).text, 'meshgate_subgraph_fetch_errors_total{subgraph="payments"}')).toBe(
      1,
    );
  });

  it('logs one JSON line per request with its id, operation, outcome and duration; the id reaches the subgraph', () => {
    const line = gatewayLog.lines.find((l) => l.msg === 'request' && l.requestId === 'metrics-test-1');
    expect(line).toMatchObject({
      level: 30,
      operation: 'MetricsExample',
      outcome: 'ok',
      status: 200,
      errorCodes: [],
    });
    expect(line?.durationMs).toBeGreaterThan(0);
    const rejected = gatewayLog.lines.find((l) => l.msg === 'request' && l.outcome === 'rejected');
    expect(rejected).toMatchObject({ level: 30, status: 400, errorCodes: ['GRAPHQL_VALIDATION_FAILED'] });
    expect(subgraphLog.lines.find((l) => l.requestId === 'metrics-test-1')).toMatchObject({
      msg: 'subgraph request',
      subgraph: 'payments',
      status: 200,
    });
  });

  it('counts a 400 BAD_USER_INPUT (a bad variable) as rejected in the metrics, the log and the lineage event alike', async () => {
    // One outcome per request (http/request-outcome.ts): lineage used to record this as "error".
    const { status, body } = await graphql(
      gateway.url,
      'query BadVariable($id: ID!) { order(id: $id) { id } }',
      { variables: { id: { not: 'an id' } }, headers: { 'x-request-id': 'metrics-bad-variable' } },
    );
    expect(status).toBe(400);
    expect(body.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    const { text } = await metrics();
    expect(value(text, 'meshgate_requests_total{operation="BadVariable",outcome="rejected"}')).toBe(1);
    expect(gatewayLog.lines.find((l) => l.requestId === 'metrics-bad-variable')).toMatchObject({
      outcome: 'rejected',
      status: 400,
      errorCodes: ['BAD_USER_INPUT'],
    });
    const steward = { authorization: `Bearer ${personaToken('data-steward')}` };
    await expect
      .poll(
        async () => {
          const response = await fetch(gateway.url.replace('/graphql', '/admin/lineage?limit=1000'), {
            headers: steward,
          });
          const { events = [] } = (await response.json()) as {
            events?: { requestId: string; outcome: string; errorCodes: string[] }[];
          };
          return events
            .filter((e) => e.requestId === 'metrics-bad-variable')
            .map(({ outcome, errorCodes }) => ({ outcome, errorCodes }));
        },
        { timeout: 10_000 },
      )
      .toEqual([{ outcome: 'rejected', errorCodes: ['BAD_USER_INPUT'] }]);
  });

  it('keeps operation-name labels bounded', async () => {
    for (let i = 0; i < 3; i++) await graphql(gateway.url, `query Op${i}_${'x'.repeat(70)} { __typename }`);
    const { text } = await metrics();
    expect(value(text, 'meshgate_requests_total{operation="__other",outcome="ok"}')).toBe(3);
  });

  it('gives each gateway its own registry', async () => {
    const other = await opsGateway(await sharedMesh(), {}, captureLogger().logger);
    try {
      const text = await (await fetch(other.url.replace('/graphql', '/metrics'))).text();
      expect(text).not.toContain('operation="MetricsExample"');
    } finally {
      await other.stop();
    }
  });
});

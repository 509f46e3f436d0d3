import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startMesh, type RunningMesh } from '../gateway/cli/mesh.js';
import { toOpenLineage } from '../gateway/lineage/openlineage.js';
import type { LineageEvent } from '../gateway/lineage/types.js';
import { graphql, testConfig } from './support/mesh.js';
import { captureLogger, type LogLine } from './support/ops.js';
import { personaHeaders } from './support/personas.js';
import { pgliteTemplates } from './support/pglite-templates.js';

/** A span as the OTLP/HTTP JSON exporter posts it (the fields this test reads). */
interface OtlpSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  startTimeUnixNano: string;
  endTimeUnixNano: string;
  attributes?: { key: string; value: Record<string, unknown> }[];
}
interface OtlpBody {
  resourceSpans: { scopeSpans: { spans: OtlpSpan[] }[] }[];
}

/** A real OTLP/HTTP receiver: keeps every span posted to /v1/traces. */
function startReceiver(): Promise<{ server: Server; url: string; spans: OtlpSpan[] }> {
  const spans: OtlpSpan[] = [];
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      if (request.url === '/v1/traces') {
        const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as OtlpBody;
        for (const rs of body.resourceSpans) for (const ss of rs.scopeSpans) spans.push(...ss.spans);
      }
      response.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () =>
      resolve({ server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, spans }),
    ),
  );
}

const durationMs = (s: OtlpSpan) => Number(BigInt(s.endTimeUnixNano) - BigInt(s.startTimeUnixNano)) / 1e6;

/** The trace as an indented tree of span names with durations, children in start order. */
function tree(spans: readonly OtlpSpan[]): string {
  const ids = new Set(spans.map((s) => s.spanId));
  const lines: string[] = [];
  const walk = (parent: string | undefined, depth: number) => {
    const children = spans
      .filter((s) =>
        parent === undefined ? !s.parentSpanId || !ids.has(s.parentSpanId) : s.parentSpanId === parent,
      )
      .sort((a, b) => (BigInt(a.startTimeUnixNano) < BigInt(b.startTimeUnixNano) ? -1 : 1));
    for (const s of children) {
      lines.push(`${'  '.repeat(depth)}${s.name}  ${durationMs(s).toFixed(2)} ms`);
      walk(s.spanId, depth + 1);
    }
  };
  walk(undefined, 0);
  return lines.join('\n');
}

const QUERY = `query TracedOrder($id: ID!) { order(id: $id) { id status customer { name } lines { quantity product { name } } } }`;
/** A variable value that appears nowhere else: no exported attribute may carry it. */
const SECRET_ID = '4242';

describe('OpenTelemetry traces over OTLP/HTTP', () => {
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  let mesh: RunningMesh;
  let lines: LogLine[];

  beforeAll(async () => {
    receiver = await startReceiver();
    const captured = captureLogger();
    lines = captured.lines;
    // In this process, stopped (and the global provider unregistered) in afterAll.
    mesh = await startMesh(
      testConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url, OTEL_BSP_SCHEDULE_DELAY: '50' }),
      captured.logger,
      { ports: 'free', persistent: false, templates: pgliteTemplates() },
    );
  }, 120_000);

  afterAll(async () => {
    await mesh?.stop();
    await new Promise((resolve) => receiver?.server.close(resolve));
  });

  const traceOf = (traceId: string) => receiver.spans.filter((s) => s.traceId === traceId);
  const named = (spans: OtlpSpan[], name: string) => spans.filter((s) => s.name === name);

  it('gives one trace per query, gateway and data product spans parented correctly, no values', async () => {
    const { status, body } = await graphql(mesh.gateway.url, QUERY, {
      variables: { id: '42' },
      headers: { 'x-request-id': 'traced-1' },
    });
    expect(status).toBe(200);
    expect(body.errors).toBeUndefined();
    const root = await vi.waitFor(
      () => {
        const r = receiver.spans.find((s) => s.name === 'POST /graphql' && !s.parentSpanId);
        if (!r) throw new Error('no root span yet');
        const spans = traceOf(r.traceId);
        if (
          !spans.some((s) => s.name === 'subgraph orders') ||
          !spans.some((s) => s.name === 'gateway.request')
        )
          throw new Error('trace incomplete');
        return r;
      },
      { timeout: 15_000, interval: 50 },
    );
    // Give the batch the last spans of the same request (they end within the response).
    await vi.waitFor(() => expect(named(traceOf(root.traceId), 'meshgate.lineage.enqueue')).toHaveLength(1), {
      timeout: 5_000,
    });
    const spans = traceOf(root.traceId);
    console.log(`trace ${root.traceId}\n${tree(spans)}`);

    // One trace: every span of the request shares the root's trace id, one root.
    expect(spans.filter((s) => !s.parentSpanId)).toHaveLength(1);
    const byId = new Map(spans.map((s) => [s.spanId, s]));
    const parentName = (s: OtlpSpan) => byId.get(s.parentSpanId ?? '')?.name;
    for (const stage of ['meshgate.authenticate', 'gateway.request', 'meshgate.lineage.enqueue'])
      expect(named(spans, stage).map(parentName), stage).toEqual(['POST /graphql']);
    expect(named(spans, 'gateway.plan')).toHaveLength(1);
    expect(named(spans, 'gateway.execute')).toHaveLength(1);
    // The orders fetch: gateway.fetch → the product's server span → resolver → SQL.
    const ordersServer = named(spans, 'subgraph orders')[0]!;
    expect(parentName(ordersServer)).toBe('gateway.fetch');
    const resolver = named(spans, 'orders.resolve Query.order')[0]!;
    expect(resolver.parentSpanId).toBe(ordersServer.spanId);
    const sql = spans.filter((s) => s.name.startsWith('orders.sql') && s.parentSpanId === resolver.spanId);
    expect(sql.length).toBeGreaterThan(0);
    const statement = sql[0]!.attributes?.find((a) => a.key === 'db.query.text')?.value.stringValue;
    expect(statement).toBe(
      'SELECT id, customer_id, status, placed_at, currency FROM orders WHERE id = ANY($1::int[])',
    );
    // The customers product continued the same trace under its own fetch.
    expect(parentName(named(spans, 'subgraph customers')[0]!)).toBe('gateway.fetch');
    // …and its batched entity load (a DataLoader, run after the resolver returned) is under it too.
    const entities = named(spans, 'customers.resolve Query._entities')[0]!;
    expect(
      spans.filter((s) => s.name === 'customers.sql SELECT customers').map((s) => s.parentSpanId),
    ).toEqual([entities.spanId]);

    // Never a variable value (nor a field value: the customer's name) in any attribute.
    const values = spans.flatMap((s) => (s.attributes ?? []).map((a) => JSON.stringify(a.value)));
    expect(values.filter((v) => v.includes('"42"') || v.includes('Ken Turing'))).toEqual([]);

    // The log line and the lineage event name the trace.
    expect(lines.find((l) => l.msg === 'request' && l.requestId === 'traced-1')?.traceId).toBe(root.traceId);
    const events = await vi.waitFor(
      async () => {
        const admin = await fetch(mesh.gateway.url.replace('/graphql', '/admin/lineage?product=orders'), {
          headers: personaHeaders('data-steward'),
        });
        const found = (
          (await admin.json()) as { events: { requestId: string; traceId?: string }[] }
        ).events.filter((e) => e.requestId === 'traced-1');
        if (!found.length) throw new Error('no lineage event yet');
        return found;
      },
      { timeout: 10_000 },
    );
    expect(events.map((e) => e.traceId)).toEqual([root.traceId]);
    // …and so does its OpenLineage export (the meshgate run facet).
    expect(toOpenLineage(events[0] as unknown as LineageEvent).run.facets.meshgate).toMatchObject({
      traceId: root.traceId,
    });
  });

  it("continues a client's traceparent", async () => {
    const traceId = '0af7651916cd43dd8448eb211c80319c';
    const clientSpan = 'b7ad6b7169203331';
    const { status } = await graphql(mesh.gateway.url, QUERY, {
      variables: { id: SECRET_ID },
      headers: { traceparent: `00-${traceId}-${clientSpan}-01` },
    });
    expect(status).toBe(200);
    await vi.waitFor(() => expect(named(traceOf(traceId), 'meshgate.lineage.enqueue')).toHaveLength(1), {
      timeout: 15_000,
    });
    const root = named(traceOf(traceId), 'POST /graphql');
    expect(root.map((s) => s.parentSpanId)).toEqual([clientSpan]);
    const values = traceOf(traceId).flatMap((s) => (s.attributes ?? []).map((a) => JSON.stringify(a.value)));
    expect(values.filter((v) => v.includes(SECRET_ID))).toEqual([]);
  });
});

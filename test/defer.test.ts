import { randomUUID } from 'node:crypto';
import { ApolloClient, HttpLink, InMemoryCache, gql, type ObservableQuery } from '@apollo/client';
import { Defer20220824Handler } from '@apollo/client/incremental';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import type { RunningMesh } from '../gateway/cli/mesh.js';
import type { LineageEvent } from '../gateway/lineage/types.js';
import { graphql, sharedMesh } from './support/mesh.js';
import { personaHeaders } from './support/personas.js';

/**
 * @defer end to end: Apollo Client 4 from npm (HttpLink over Node's fetch, the deferSpec=20220824
 * handler) against the shared mesh. The raw multipart chunks are printed as the evidence transcript.
 */
let mesh: RunningMesh;
beforeAll(async () => {
  mesh = await sharedMesh();
});

const FIELDS = `
    id
    status
    customer { id name country }`;
const PAYMENTS = `payments { method status cardLast4 amount { amount } }`;
const SHIPMENTS = `shipments { carrier status }`;
const DEFERRED = `query DeferredOrder {
  order(id: "22") {${FIELDS}
    ... @defer(label: "payments") { ${PAYMENTS} }
    ... @defer(label: "shipments") { ${SHIPMENTS} }
  }
}`;
const PLAIN = `query DeferredOrder { order(id: "22") {${FIELDS} ${PAYMENTS} ${SHIPMENTS} } }`;

interface Emission {
  dataState: string;
  data: unknown;
  errors: readonly {
    message: string;
    path?: readonly (string | number)[];
    extensions?: Record<string, unknown>;
  }[];
}

/** Runs the query with Apollo Client and returns every result it emitted and the raw chunks it read. */
async function viaApolloClient(
  headers: Record<string, string>,
  operation = DEFERRED,
): Promise<{ emissions: Emission[]; chunks: string[] }> {
  const chunks: string[] = [];
  const recordingFetch: typeof fetch = async (input, init) => {
    const response = await fetch(input, init);
    const decoder = new TextDecoder();
    const tee = new TransformStream<Uint8Array, Uint8Array>({
      transform(chunk, controller) {
        chunks.push(decoder.decode(chunk, { stream: true }));
        controller.enqueue(chunk);
      },
    });
    return new Response(response.body?.pipeThrough(tee) ?? null, {
      status: response.status,
      headers: response.headers,
    });
  };
  const client = new ApolloClient({
    link: new HttpLink({ uri: mesh.gateway.url, fetch: recordingFetch, headers }),
    cache: new InMemoryCache(),
    incrementalHandler: new Defer20220824Handler(),
  });
  const query: ObservableQuery = client.watchQuery({
    query: gql(operation),
    fetchPolicy: 'no-cache',
    errorPolicy: 'all',
  });
  const emissions: Emission[] = [];
  await new Promise<void>((resolve, reject) => {
    const subscription = query.subscribe({
      next(result) {
        const errors =
          result.error && 'errors' in result.error ? (result.error.errors as Emission['errors']) : [];
        // The first emission is the loading state (dataState "empty"): no payload read yet.
        if (result.dataState !== 'empty')
          emissions.push({ dataState: result.dataState, data: withoutTypename(result.data), errors });
        if (result.dataState === 'complete') {
          subscription.unsubscribe();
          resolve();
        }
      },
      error: reject,
    });
  });
  client.stop();
  return { emissions, chunks };
}

/** Apollo Client adds __typename to every selection; the plain query's answer has none. */
function withoutTypename(data: unknown): unknown {
  return JSON.parse(JSON.stringify(data), (key, value: unknown) =>
    key === '__typename' ? undefined : value,
  );
}

describe('@defer', () => {
  it('streams the deferred parts to Apollo Client, merged into the non-deferred answer', async () => {
    const steward = personaHeaders('data-steward');
    const { emissions, chunks } = await viaApolloClient(steward);
    console.log(`@defer transcript (data-steward), ${chunks.length} raw chunks:\n${chunks.join('')}`);
    const plain = await graphql(mesh.gateway.url, PLAIN, { headers: steward });
    expect(plain.body.errors).toBeUndefined();
    const first = emissions[0]!;
    expect(first.dataState).toBe('streaming');
    expect(first.data).toEqual({
      order: { id: '22', status: 'DELIVERED', customer: { id: '4219', name: 'Tim Dijkstra', country: 'ES' } },
    });
    const last = emissions.at(-1)!;
    expect(last.dataState).toBe('complete');
    expect(last.data).toEqual(plain.body.data);
    expect(last.errors).toEqual([]);
    const transcript = chunks.join('');
    expect(transcript).toContain('"hasNext":true');
    expect(transcript).toContain('"label":"payments"');
    expect(transcript.trimEnd().endsWith('-----')).toBe(true);
  });

  it('applies policies per part: a denied deferred field is null with its error in that part', async () => {
    const { emissions, chunks } = await viaApolloClient({});
    const transcript = chunks.join('');
    console.log(`@defer transcript (anonymous):\n${transcript}`);
    const payments = transcript
      .split('\r\n---')
      .map((chunk) => chunk.slice(chunk.indexOf('{')))
      .filter((chunk) => chunk.startsWith('{'))
      .map(
        (chunk) => JSON.parse(chunk) as { incremental?: { label?: string; errors?: Emission['errors'] }[] },
      )
      .flatMap((payload) => payload.incremental ?? [])
      .find((entry) => entry.label === 'payments');
    expect(payments?.errors?.map((e) => [e.path?.join('.'), e.extensions?.code, e.extensions?.rule])).toEqual(
      [
        ['order.payments.0.cardLast4', 'UNAUTHORIZED_FIELD_OR_TYPE', 'default-deny:pci'],
        ['order.payments.1.cardLast4', 'UNAUTHORIZED_FIELD_OR_TYPE', 'default-deny:pci'],
      ],
    );
    const last = emissions.at(-1)!;
    expect(last.data).toMatchObject({
      order: {
        payments: [
          { method: 'CARD', cardLast4: null },
          { method: 'INVOICE', cardLast4: null },
        ],
      },
    });
    expect(last.errors.map((e) => e.path?.join('.'))).toEqual([
      'order.payments.0.cardLast4',
      'order.payments.1.cardLast4',
    ]);
  });

  it('delivers a @defer nested in a deferred fragment, and one inside a named fragment, each in its own part', async () => {
    const nested = `query NestedDefer {
  order(id: "22") {
    id
    ...Money
    ... @defer(label: "outer") {
      status
      customer { id ... @defer(label: "inner") { name country } }
    }
  }
}
fragment Money on Order { total { amount } ... @defer(label: "shipments") { ${SHIPMENTS} } }`;
    const steward = personaHeaders('data-steward');
    const { emissions, chunks } = await viaApolloClient(steward, nested);
    const parts = chunks
      .join('')
      .split(/\r\n--[-\w]*/)
      .flatMap((part) => {
        const json = part.slice(part.indexOf('{'));
        return json.startsWith('{')
          ? [JSON.parse(json) as { incremental?: { label: string; path: string[] }[] }]
          : [];
      });
    const labels = parts.flatMap((p) => (p.incremental ?? []).map((i) => `${i.label}@${i.path.join('.')}`));
    expect(labels.sort()).toEqual(['inner@order.customer', 'outer@order', 'shipments@order']);
    const plain = await graphql(
      mesh.gateway.url,
      `query NestedDefer { order(id: "22") { id total { amount } ${SHIPMENTS} status customer { id name country } } }`,
      { headers: steward },
    );
    expect(emissions.at(-1)!.dataState).toBe('complete');
    expect(emissions.at(-1)!.data).toEqual(plain.body.data);
  });

  it('answers one ordinary JSON response without the multipart accept, @defer removed', async () => {
    const steward = personaHeaders('data-steward');
    const response = await fetch(mesh.gateway.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json', ...steward },
      body: JSON.stringify({ query: DEFERRED }),
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    const plain = await graphql(mesh.gateway.url, PLAIN, { headers: steward });
    expect(await response.json()).toEqual({ data: plain.body.data });
  });

  it('refuses @defer on a field with DEFER_INVALID, and the gateway keeps serving', async () => {
    const { status, body } = await graphql(
      mesh.gateway.url,
      `
        {
          order(id: "22") {
            id @defer
          }
        }
      `,
      {
        headers: { accept: 'multipart/mixed; deferSpec=20220824, application/json' },
      },
    );
    expect(status).toBe(400);
    expect(body.errors?.[0]?.extensions?.code).toBe('DEFER_INVALID');
    expect(
      (
        await graphql(
          mesh.gateway.url,
          `
            {
              order(id: "22") {
                id
              }
            }
          `,
        )
      ).body.data,
    ).toEqual({ order: { id: '22' } });
  });

  it("records one lineage event for the whole operation, with every part's fields", async () => {
    const steward = personaHeaders('data-steward');
    const requestId = `defer-lineage-${randomUUID()}`;
    const response = await fetch(mesh.gateway.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        accept: 'multipart/mixed; deferSpec=20220824',
        'x-request-id': requestId,
        ...steward,
      },
      body: JSON.stringify({ query: DEFERRED }),
    });
    expect(response.headers.get('content-type')).toBe('multipart/mixed; boundary="-"; deferSpec=20220824');
    await response.text();
    const base = mesh.gateway.url.replace(/\/graphql$/, '');
    const events = await vi.waitFor(
      async () => {
        const listed = await fetch(`${base}/admin/lineage?since=5m&limit=10000`, { headers: steward });
        const { events } = (await listed.json()) as { events: LineageEvent[] };
        const mine = events.filter((e) => e.requestId === requestId);
        expect(mine.length).toBeGreaterThan(0);
        return mine;
      },
      { timeout: 15_000, interval: 100 },
    );
    expect(events).toHaveLength(1);
    expect(events[0]!.fields.map((f) => f.coordinate)).toEqual(
      expect.arrayContaining([
        'Query.order',
        'Customer.name',
        'Order.payments',
        'Payment.cardLast4',
        'Order.shipments',
        'Shipment.carrier',
      ]),
    );
  });
});

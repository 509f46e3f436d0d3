import { describe, expect, it } from 'vitest';
import { inflightDedupFetch } from './inflight-fetch.js';
import { bufferedResponse } from './lean-fetch.js';

function countingFetch() {
  const calls: string[] = [];
  let release: () => void = () => undefined;
  const gate = new Promise<void>((resolve) => (release = resolve));
  const fetcher = async (url: string, init?: { body?: unknown }) => {
    calls.push(String(init?.body));
    await gate;
    const headers = new Headers({ 'content-type': 'application/json' });
    return bufferedResponse(url, 200, 'OK', headers, JSON.stringify({ data: { n: calls.length } }));
  };
  return { calls, release, fetcher };
}

const post = (query: string) => ({
  method: 'POST' as const,
  body: JSON.stringify({ query, variables: {} }),
  headers: {},
});

describe('in-flight de-duplication of subgraph fetches', () => {
  it('makes one round trip for identical concurrent queries, and gives each caller its own body', async () => {
    const { calls, release, fetcher } = countingFetch();
    const dedup = inflightDedupFetch(fetcher);
    const pending = [1, 2, 3].map(() =>
      dedup('http://orders/graphql', post('query Q__orders__0{orders{id}}')),
    );
    expect(dedup.inflight()).toBe(1);
    release();
    const bodies = await Promise.all(pending.map(async (p) => (await p).json()));
    expect(calls).toHaveLength(1);
    expect(bodies).toEqual([{ data: { n: 1 } }, { data: { n: 1 } }, { data: { n: 1 } }]);
    expect(bodies[0]).not.toBe(bodies[1]);
    expect(dedup.inflight()).toBe(0);
  });

  it('never shares different queries, other subgraphs, or mutations', async () => {
    const { calls, release, fetcher } = countingFetch();
    const dedup = inflightDedupFetch(fetcher);
    const pending = [
      dedup('http://orders/graphql', post('query A{orders{id}}')),
      dedup('http://orders/graphql', post('query B{orders{id}}')),
      dedup('http://payments/graphql', post('query A{orders{id}}')),
      dedup('http://orders/graphql', post('mutation M{cancel(id:1)}')),
      dedup('http://orders/graphql', post('mutation M{cancel(id:1)}')),
    ];
    release();
    await Promise.all(pending);
    expect(calls).toHaveLength(5);
  });

  it('shares nothing once a fetch has completed: it is not a cache', async () => {
    const { calls, release, fetcher } = countingFetch();
    release();
    const dedup = inflightDedupFetch(fetcher);
    await dedup('http://orders/graphql', post('query A{orders{id}}'));
    await dedup('http://orders/graphql', post('query A{orders{id}}'));
    expect(calls).toHaveLength(2);
  });
});

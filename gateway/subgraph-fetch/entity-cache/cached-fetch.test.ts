import type { GatewayGraphQLResponse } from '@apollo/server-gateway-interface';
import { describe, expect, it } from 'vitest';
import { cachedFetch, type CacheableFetch } from './cached-fetch.js';
import { createEntityCache } from './entity-cache.js';

const QUERY =
  'query Q__orders__1($representations:[_Any!]!){_entities(representations:$representations){...on Customer{orders{id}}}}';

function setup(ttlMs = 60_000) {
  let clock = 1_000_000;
  const cache = createEntityCache({
    config: { maxBytes: 1_000_000, prefix: 'test:' },
    freshness: () => ({ ttlMs, version: '1.0.0' }),
    now: () => clock,
  });
  cache.schemaChanged('type Query { a: Int }');
  /** A subgraph that answers each representation with its id, and an error for id "bad". */
  const sent: unknown[][] = [];
  const send = async (
    variables: Readonly<Record<string, unknown>> | undefined,
  ): Promise<GatewayGraphQLResponse> => {
    const representations = (variables?.representations ?? []) as { id: string }[];
    sent.push(representations.map((r) => r.id));
    const errors = representations.flatMap((r, i) =>
      r.id === 'bad' ? [{ message: 'no such customer', path: ['_entities', i, 'orders'] }] : [],
    );
    return {
      data: {
        _entities: representations.map((r) => (r.id === 'bad' ? null : { orders: [{ id: `o-${r.id}` }] })),
      },
      ...(errors.length > 0 && { errors }),
    };
  };
  const fetch = (ids: string[], fingerprint = 'rita'): CacheableFetch => ({
    subgraph: 'orders',
    query: QUERY,
    variables: { representations: ids.map((id) => ({ __typename: 'Customer', id })) },
    fingerprint,
  });
  return { cache, send, sent, fetch, advance: (ms: number) => (clock += ms) };
}

const entities = (response: GatewayGraphQLResponse) => response.data?._entities as unknown[];

describe('an _entities fetch through the entity cache', () => {
  it('asks the subgraph for the misses only and reassembles the answer in the original order', async () => {
    const { cache, send, sent, fetch } = setup();
    await cachedFetch(cache, fetch(['2', '4']), send);
    const answer = await cachedFetch(cache, fetch(['1', '2', '3', '4']), send);
    expect(sent).toEqual([
      ['2', '4'],
      ['1', '3'],
    ]);
    expect(answer.cacheHits).toBe(2);
    expect(entities(answer.response)).toEqual(
      ['1', '2', '3', '4'].map((id) => ({ orders: [{ id: `o-${id}` }] })),
    );
    // All hits: no fetch at all, and every response owns its objects.
    const again = await cachedFetch(cache, fetch(['4', '1']), send);
    expect(sent).toHaveLength(2);
    expect(again).toMatchObject({ cacheHits: 2, fetched: false });
    expect(entities(again.response)).toEqual([{ orders: [{ id: 'o-4' }] }, { orders: [{ id: 'o-1' }] }]);
    expect(entities(again.response)[0]).not.toBe(entities(answer.response)[3]);
    expect(cache.stats().subgraphs.orders).toMatchObject({ hits: 4, misses: 4, entries: 4 });
  });

  it("moves the partial fetch's error paths to the indexes of the whole fetch, and stores nothing of it", async () => {
    const { cache, send, sent, fetch } = setup();
    await cachedFetch(cache, fetch(['1', '3']), send);
    const answer = await cachedFetch(cache, fetch(['1', 'bad', '3', '5']), send);
    expect(sent[1]).toEqual(['bad', '5']);
    expect(answer.response.errors).toEqual([
      { message: 'no such customer', path: ['_entities', 1, 'orders'] },
    ]);
    expect(entities(answer.response)).toEqual([
      { orders: [{ id: 'o-1' }] },
      null,
      { orders: [{ id: 'o-3' }] },
      { orders: [{ id: 'o-5' }] },
    ]);
    // The answer with an error was not stored: 5 is a miss again.
    await cachedFetch(cache, fetch(['5']), send);
    expect(sent[2]).toEqual(['5']);
  });

  it('never shares an entry between fingerprints (principals, rights, row filters)', async () => {
    const { cache, send, sent, fetch } = setup();
    await cachedFetch(cache, fetch(['1'], 'analyst'), send);
    const other = await cachedFetch(cache, fetch(['1'], 'finance'), send);
    expect(other.cacheHits).toBe(0);
    expect(sent).toEqual([['1'], ['1']]);
  });

  it('refuses an entry as old as its TTL, and counts it stale', async () => {
    const { cache, send, sent, fetch, advance } = setup(2_000);
    await cachedFetch(cache, fetch(['1']), send);
    advance(1_999);
    expect((await cachedFetch(cache, fetch(['1']), send)).cacheHits).toBe(1);
    advance(1);
    expect((await cachedFetch(cache, fetch(['1']), send)).cacheHits).toBe(0);
    expect(sent).toEqual([['1'], ['1']]);
    expect(cache.stats().subgraphs.orders).toMatchObject({ hits: 1, misses: 2, stale: 1 });
  });

  it('drops what a fetch in flight during an invalidation brings back, and what the invalidation names', async () => {
    const { cache, send, fetch } = setup();
    await cachedFetch(cache, fetch(['1', '2']), send);
    expect(cache.invalidateLocal({ product: 'orders', type: 'Customer', key: '2' })).toBe(1);
    expect((await cachedFetch(cache, fetch(['1', '2']), send)).cacheHits).toBe(1);
    const slow = cachedFetch(cache, fetch(['9']), async (variables) => {
      cache.invalidateLocal({ product: 'orders' });
      return send(variables);
    });
    await slow;
    expect((await cachedFetch(cache, fetch(['9']), send)).cacheHits).toBe(0);
  });
});

describe('a root-field fetch through the entity cache', () => {
  it('caches the whole answer by operation text and variables, never one with errors', async () => {
    const { cache } = setup();
    let calls = 0;
    const send = async (
      variables: Readonly<Record<string, unknown>> | undefined,
    ): Promise<GatewayGraphQLResponse> => {
      calls += 1;
      return variables?.fail
        ? { data: { order: null }, errors: [{ message: 'boom', path: ['order'] }] }
        : { data: { order: { id: variables?.id } } };
    };
    const root = (variables: Record<string, unknown>): CacheableFetch => ({
      subgraph: 'orders',
      query: 'query Q__orders__0($id:ID!){order(id:$id){id}}',
      variables,
      fingerprint: 'rita',
    });
    await cachedFetch(cache, root({ id: '1' }), send);
    const hit = await cachedFetch(cache, root({ id: '1' }), send);
    expect(hit).toMatchObject({ cacheHits: 1, fetched: false, response: { data: { order: { id: '1' } } } });
    await cachedFetch(cache, root({ id: '2' }), send);
    await cachedFetch(cache, root({ id: '1', fail: true }), send);
    await cachedFetch(cache, root({ id: '1', fail: true }), send);
    expect(calls).toBe(4);
  });
});

import type { GatewayGraphQLResponse } from '@apollo/server-gateway-interface';
import type { GraphQLFormattedError } from 'graphql';
import { entityKey, fetchKey, rootKey } from './cache-key.js';
import type { CacheEntry, EntityCache, EntryMeta } from './types.js';

/** One subgraph fetch the cache may answer (a query of a client operation; never a mutation). */
export interface CacheableFetch {
  readonly subgraph: string;
  readonly query: string;
  readonly variables: Readonly<Record<string, unknown>> | undefined;
  /** What in the context token can change the answer (cache-key.ts `contextFingerprinter`). */
  readonly fingerprint: string;
}

export interface CachedAnswer {
  readonly response: GatewayGraphQLResponse;
  /** Entities (or, for a root-field fetch, 1) served from the cache. */
  readonly cacheHits: number;
  /** Whether a subgraph was asked at all. */
  readonly fetched: boolean;
}

/** Sends the fetch with these variables (the data source's own `process`). */
export type SendFetch = (
  variables: Readonly<Record<string, unknown>> | undefined,
) => Promise<GatewayGraphQLResponse>;

/**
 * Answers a fetch from the cache where it can, from the subgraph where it must.
 *
 * An `_entities` fetch is cached per entity: its representations split into hits and
 * misses, one `_entities` call asks for the misses only, each returned entity is stored under
 * its own key, and the response is reassembled in the original order, so the query plan
 * cannot tell it from the subgraph's own. The partial fetch's errors point at indexes of the
 * misses (`["_entities", 0, …]`); they are moved to the indexes of the whole fetch.
 *
 * A root-field fetch caches its whole answer by operation text and variables. Answers with
 * errors are never stored (an error may be a passing fault), and nor are null entities.
 * Hits are parsed from stored JSON text, so every response owns its objects (the gateway
 * rewrites and merges them in place).
 */
export async function cachedFetch(
  cache: EntityCache,
  fetch: CacheableFetch,
  send: SendFetch,
): Promise<CachedAnswer> {
  const { representations, ...rest } = fetch.variables ?? {};
  const prefix = fetchKey({
    subgraph: fetch.subgraph,
    generation: cache.generation(fetch.subgraph),
    fingerprint: fetch.fingerprint,
    query: fetch.query,
    variables: rest,
  });
  return Array.isArray(representations)
    ? entitiesFetch(cache, fetch, prefix, representations as unknown[], rest, send)
    : rootFetch(cache, fetch, prefix, send);
}

async function rootFetch(
  cache: EntityCache,
  fetch: CacheableFetch,
  prefix: string,
  send: SendFetch,
): Promise<CachedAnswer> {
  const key = rootKey(prefix);
  const { texts, ticket } = await cache.lookup(fetch.subgraph, [key]);
  const text = texts[0];
  if (text !== undefined)
    return { response: { data: JSON.parse(text) as Record<string, unknown> }, cacheHits: 1, fetched: false };
  const response = await send(fetch.variables);
  if (response.data && !response.errors?.length) {
    const meta: EntryMeta = { subgraph: fetch.subgraph, typename: null, representation: null };
    cache.store(ticket, [{ key, meta, text: JSON.stringify(response.data) }]);
  }
  return { response, cacheHits: 0, fetched: true };
}

async function entitiesFetch(
  cache: EntityCache,
  fetch: CacheableFetch,
  prefix: string,
  representations: readonly unknown[],
  rest: Readonly<Record<string, unknown>>,
  send: SendFetch,
): Promise<CachedAnswer> {
  const keys = representations.map((r) => entityKey(prefix, r));
  const { texts, ticket } = await cache.lookup(fetch.subgraph, keys);
  const missing = texts.flatMap((text, i) => (text === undefined ? [i] : []));
  const hits = representations.length - missing.length;
  const cached = (i: number): unknown => JSON.parse(texts[i]!);
  if (missing.length === 0)
    return {
      response: { data: { _entities: representations.map((_, i) => cached(i)) } },
      cacheHits: hits,
      fetched: false,
    };

  const response = await send({ ...rest, representations: missing.map((i) => representations[i]) });
  const fetched = response.data?._entities as unknown;
  if (!Array.isArray(fetched) || fetched.length !== missing.length) {
    // Nothing to reassemble (the subgraph failed the whole fetch): its answer, with its errors moved.
    return {
      response: { ...response, ...withErrors(response.errors, missing) },
      cacheHits: 0,
      fetched: true,
    };
  }
  if (!response.errors?.length) {
    const entries: CacheEntry[] = [];
    missing.forEach((i, j) => {
      const entity: unknown = fetched[j];
      if (entity === null || entity === undefined) return;
      const representation = representations[i] as Record<string, unknown>;
      const typename = typeof representation.__typename === 'string' ? representation.__typename : null;
      entries.push({
        key: keys[i]!,
        meta: { subgraph: fetch.subgraph, typename, representation },
        text: JSON.stringify(entity),
      });
    });
    cache.store(ticket, entries);
  }
  if (hits === 0) return { response, cacheHits: 0, fetched: true };
  const position = new Map(missing.map((i, j) => [i, j]));
  const entities = representations.map((_, i) => {
    const j = position.get(i);
    return j === undefined ? cached(i) : fetched[j];
  });
  return {
    response: {
      ...response,
      data: { ...response.data, _entities: entities },
      ...withErrors(response.errors, missing),
    },
    cacheHits: hits,
    fetched: true,
  };
}

/** Errors of the partial fetch at `["_entities", j, …]` belong to representation `missing[j]`. */
function withErrors(
  errors: readonly GraphQLFormattedError[] | undefined,
  missing: readonly number[],
): { errors?: readonly GraphQLFormattedError[] } {
  if (!errors) return {};
  return {
    errors: errors.map((error) => {
      const path = error.path;
      const index = path?.[1];
      if (path?.[0] !== '_entities' || typeof index !== 'number' || missing[index] === undefined)
        return error;
      return { ...error, path: ['_entities', missing[index], ...path.slice(2)] };
    }),
  };
}

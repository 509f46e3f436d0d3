import { CONTEXT_TOKEN_HEADER } from '../protocol/index.js';
import { rowFilterFingerprint } from './context-token.js';
import { leanFetch, type LeanFetch, type LeanResponse } from './lean-fetch.js';

/**
 * In-flight de-duplication of subgraph fetches: identical queries (same subgraph URL, same
 * operation text and variables) that are in flight at once make one round trip, and every
 * caller gets the one response: its body is read already, and each caller's `json()` parses
 * its own copy (the gateway rewrites fetched data in place; lean-fetch.ts).
 *
 * Safe because a data product's answer depends on who asks only through the row filters the
 * context token carries (the gateway enforces the other policies): the key holds the token's
 * filter fingerprint, so fetches under different filters never share, while the token itself
 * and the request id (which differ per principal and request) stay out of it. Mutations are
 * never shared, and nothing is kept once the fetch completes: this is not a cache.
 */
export function inflightDedupFetch(
  next: LeanFetch = leanFetch,
): LeanFetch & { readonly inflight: () => number } {
  const inflight = new Map<string, Promise<LeanResponse>>();
  const fetcher: LeanFetch = async (url, init) => {
    const body = init?.body;
    if (init?.method !== 'POST' || typeof body !== 'string' || !isQuery(body)) return next(url, init);
    const key = `${url}\n${filtersOf(init.headers)}\n${body}`;
    let shared = inflight.get(key);
    if (!shared) {
      shared = next(url, init).finally(() => inflight.delete(key));
      inflight.set(key, shared);
    }
    return shared;
  };
  return Object.assign(fetcher, { inflight: () => inflight.size });
}

/** The row-filter fingerprint of the fetch's context token ('' without a token or filters). */
function filtersOf(headers: Readonly<Record<string, string>> | undefined): string {
  const token = headers?.[CONTEXT_TOKEN_HEADER];
  return token ? rowFilterFingerprint(token) : '';
}

/**
 * The data source serialises `{"query":"…"}` first; the gateway writes a subgraph operation
 * as `query …` or `{…}`. Anything else (a mutation, an unusual body) is not shared.
 */
function isQuery(body: string): boolean {
  return body.startsWith('{"query":"query') || body.startsWith('{"query":"{');
}

import { CONTEXT_TOKEN_HEADER, rowFilterFingerprint } from './context-token.js';

type Fetch = typeof fetch;

interface SharedResponse {
  readonly status: number;
  readonly statusText: string;
  readonly headers: [string, string][];
  readonly body: string;
}

/**
 * In-flight de-duplication of subgraph fetches: identical queries (same subgraph URL, same
 * operation text and variables) that are in flight at once make one round trip, and every
 * caller gets its own Response over the shared body text, so each parses its own copy (the
 * gateway rewrites fetched data in place).
 *
 * Safe because a data product's answer depends on who asks only through the row filters the
 * context token carries (the gateway enforces the other policies): the key holds the token's
 * filter fingerprint, so fetches under different filters never share, while the token itself
 * and the request id (which differ per principal and request) stay out of it. Mutations are
 * never shared, and nothing is kept once the fetch completes: this is not a cache.
 */
export function inflightDedupFetch(next: Fetch = fetch): Fetch & { readonly inflight: () => number } {
  const inflight = new Map<string, Promise<SharedResponse>>();
  const fetcher = async (url: Parameters<Fetch>[0], init?: RequestInit): Promise<Response> => {
    const body = init?.body;
    if (init?.method !== 'POST' || typeof body !== 'string' || !isQuery(body)) return next(url, init);
    const key = `${String(url)}\n${filtersOf(init.headers)}\n${body}`;
    let shared = inflight.get(key);
    if (!shared) {
      shared = read(next(url, init)).finally(() => inflight.delete(key));
      inflight.set(key, shared);
    }
    const response = await shared;
    return new Response(response.body, response);
  };
  return Object.assign(fetcher, { inflight: () => inflight.size });
}

/** The row-filter fingerprint of the fetch's context token ('' without a token or filters). */
function filtersOf(headers: RequestInit['headers']): string {
  let token: string | null | undefined;
  if (!headers) return '';
  if (typeof (headers as Headers).get === 'function') token = (headers as Headers).get(CONTEXT_TOKEN_HEADER);
  else if (Array.isArray(headers))
    token = headers.find(([name]) => name?.toLowerCase() === CONTEXT_TOKEN_HEADER)?.[1];
  else token = (headers as Record<string, string>)[CONTEXT_TOKEN_HEADER];
  return token ? rowFilterFingerprint(token) : '';
}

async function read(pending: Promise<Response>): Promise<SharedResponse> {
  const response = await pending;
  const headers: [string, string][] = [];
  response.headers.forEach((value, name) => headers.push([name, value]));
  return { status: response.status, statusText: response.statusText, headers, body: await response.text() };
}

/**
 * The data source serialises `{"query":"…"}` first; the gateway writes a subgraph operation
 * as `query …` or `{…}`. Anything else (a mutation, an unusual body) is not shared.
 */
function isQuery(body: string): boolean {
  return body.startsWith('{"query":"query') || body.startsWith('{"query":"{');
}

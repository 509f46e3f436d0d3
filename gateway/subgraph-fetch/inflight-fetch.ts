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
 * Safe because a data product's answer does not depend on who asks: the gateway enforces
 * policies, and the context token and request id (which do differ) are headers, not part of
 * the key. Mutations are never shared, and nothing is kept once the fetch completes: this
 * is not a cache.
 */
export function inflightDedupFetch(next: Fetch = fetch): Fetch & { readonly inflight: () => number } {
  const inflight = new Map<string, Promise<SharedResponse>>();
  const fetcher = async (url: Parameters<Fetch>[0], init?: RequestInit): Promise<Response> => {
    const body = init?.body;
    if (init?.method !== 'POST' || typeof body !== 'string' || !isQuery(body)) return next(url, init);
    const key = `${String(url)}\n${body}`;
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

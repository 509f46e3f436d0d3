import { STATUS_CODES } from 'node:http';
import { Agent, request, type Dispatcher } from 'undici';

/**
 * The subgraph fetcher: undici's `request` on a keep-alive pool per origin, answering with the
 * few members of a fetch Response that @apollo/gateway's RemoteGraphQLDataSource reads (ok,
 * status, statusText, url, headers.get, json, text).
 *
 * Why not the built-in fetch (undici too): a WHATWG fetch builds a Request, Headers, an
 * AbortSignal and a ReadableStream per call, and reads the body through it. In the gateway's
 * CPU profile under varied-customer those (makeTransferable, createReadableStreamState,
 * createAbortSignal, the stream readers) came to ~10% of the process; `request` reads the
 * body from a Node stream into one string. bench/fetcher-compare.ts measures the CPU per
 * fetch of each fetcher, and bench/README.md ("Changes justified by measurement") the paired
 * before/after on the varied workloads.
 *
 * The body is read before the response is handed over, so `text` and `json` may be called any
 * number of times, `json` parsing a fresh copy each time: in-flight de-duplication
 * (inflight-fetch.ts) hands one response to every caller, and the gateway rewrites fetched
 * data in place.
 */
export interface LeanResponse {
  readonly ok: boolean;
  readonly status: number;
  readonly statusText: string;
  readonly url: string;
  readonly headers: ResponseHeaders;
  text(): Promise<string>;
  json(): Promise<unknown>;
}

export interface LeanRequestInit {
  readonly method?: Dispatcher.HttpMethod;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: string;
}

export type LeanFetch = (url: string, init?: LeanRequestInit) => Promise<LeanResponse>;

/** What the data source asks of response headers: a fetch Headers has it too. */
export interface ResponseHeaders {
  get(name: string): string | null;
}

/** Node's response headers (lower-case names) answering `get` as a fetch Headers does. */
class NodeResponseHeaders implements ResponseHeaders {
  constructor(private readonly byName: Readonly<Record<string, string | string[] | undefined>>) {}

  get(name: string): string | null {
    const value = this.byName[name.toLowerCase()];
    if (value === undefined) return null;
    return Array.isArray(value) ? value.join(', ') : value;
  }
}

/** A response over a body already read (leanFetch's, and a test's stand-in subgraph's). */
export function bufferedResponse(
  url: string,
  status: number,
  statusText: string,
  headers: ResponseHeaders,
  body: string,
): LeanResponse {
  return {
    ok: status >= 200 && status < 300,
    status,
    statusText,
    url,
    headers,
    text: () => Promise.resolve(body),
    // Parsed per call: each caller gets its own copy.
    json: () => Promise.resolve().then(() => JSON.parse(body) as unknown),
  };
}

/**
 * One pool per origin, connections kept alive between fetches (the subgraphs are few and
 * long-lived); no limit on connections per origin, as the built-in fetch's global agent.
 */
const agent = new Agent({ keepAliveTimeout: 30_000, keepAliveMaxTimeout: 60_000 });

export const leanFetch: LeanFetch = async (url, init = {}) => {
  const response = await request(url, {
    method: init.method ?? 'GET',
    dispatcher: agent,
    ...(init.headers && { headers: init.headers }),
    ...(init.body !== undefined && { body: init.body }),
  });
  const body = await response.body.text();
  return bufferedResponse(
    url,
    response.statusCode,
    STATUS_CODES[response.statusCode] ?? '',
    new NodeResponseHeaders(response.headers),
    body,
  );
};

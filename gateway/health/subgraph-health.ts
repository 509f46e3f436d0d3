/** A subgraph's liveness as the gateway probes it: up with the probe's latency, or down and why. */
export type SubgraphHealth =
  { readonly status: 'up'; readonly latencyMs: number } | { readonly status: 'down'; readonly error: string };

/**
 * The probe's request: the smallest GraphQL operation every server answers (GraphQL spec,
 * "Type Name Introspection"), as a POST with a JSON body. `application/json` is a CSRF-safe
 * content type (Apollo Server 4–5 csrfPrevention, GraphQL Yoga's CSRF plugin) and
 * `apollo-require-preflight` satisfies Apollo Server's check for any content type; nothing
 * else is assumed of the product (no `/health` route, no framework).
 */
const PROBE_BODY = JSON.stringify({ query: '{ __typename }' });
const PROBE_HEADERS = {
  'content-type': 'application/json',
  // GraphQL over HTTP: a server that knows the newer media type may answer with it; both are JSON.
  accept: 'application/graphql-response+json, application/json',
  'apollo-require-preflight': 'true',
};
/** What a meshgate product answers a request without the gateway's context token (no bypass). */
const CONTEXT_TOKEN_REFUSAL = 'CONTEXT_TOKEN_INVALID';

/**
 * The gateway's health probe of a subgraph: POSTs `{ __typename }` to its GraphQL URL and finds
 * it up when it answers a GraphQL result with `data.__typename` within `timeoutMs`. `headers`
 * adds what the caller can prove (the gateway's context token, so a meshgate product answers
 * the query itself); a caller without one still finds a product up when it answers 401 with
 * the protocol's own refusal (CONTEXT_TOKEN_INVALID): it is serving, and serving only the
 * gateway. Anything else — another status, a body that is not a GraphQL result, errors — is
 * down with the reason. The catalog asks it on each read; the scheduled probe
 * (product-probe.ts) on its timer.
 */
export async function checkSubgraphHealth(
  url: string,
  timeoutMs = 2_000,
  headers: Readonly<Record<string, string>> = {},
): Promise<SubgraphHealth> {
  const started = performance.now();
  try {
    const response = await fetch(url, {
      method: 'POST',
      headers: { ...PROBE_HEADERS, ...headers },
      body: PROBE_BODY,
      signal: AbortSignal.timeout(timeoutMs),
    });
    const body = await response.text();
    const result = graphqlResult(body);
    const up = () => ({ status: 'up' as const, latencyMs: Math.round(performance.now() - started) });
    if (response.ok && typeof result?.data?.__typename === 'string') return up();
    const code = result?.errors?.[0]?.extensions?.code;
    if (response.status === 401 && code === CONTEXT_TOKEN_REFUSAL) return up();
    const detail = typeof code === 'string' ? code : result?.errors?.[0]?.message;
    if (!response.ok)
      return {
        status: 'down',
        error: `HTTP ${response.status}${detail ? ` (${String(detail).slice(0, 120)})` : ''}`,
      };
    return {
      status: 'down',
      error: result
        ? `no __typename in the answer${detail ? ` (${String(detail).slice(0, 120)})` : ''}`
        : 'the answer is not a GraphQL result',
    };
  } catch (error) {
    const cause = (error as { cause?: { code?: string } }).cause?.code;
    const name = (error as { name?: string }).name;
    return {
      status: 'down',
      error: cause ?? (name === 'TimeoutError' ? 'timeout' : (error as Error).message),
    };
  }
}

interface GraphqlResult {
  readonly data?: { readonly __typename?: unknown } | null;
  readonly errors?: readonly {
    readonly message?: unknown;
    readonly extensions?: { readonly code?: unknown };
  }[];
}

function graphqlResult(body: string): GraphqlResult | null {
  try {
    const parsed: unknown = JSON.parse(body);
    return parsed !== null && typeof parsed === 'object' && ('data' in parsed || 'errors' in parsed)
      ? (parsed as GraphqlResult)
      : null;
  } catch {
    return null;
  }
}

import { RemoteGraphQLDataSource, type GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import type { GatewayGraphQLResponse } from '@apollo/server-gateway-interface';
import { CONTEXT_TOKEN_HEADER, type ContextTokenSigner } from '../subgraph-fetch/context-token.js';
import type { GatewayContext } from '../http/context.js';
import { ErrorCode, MeshgateGraphQLError } from '../common/errors.js';
import { inflightDedupFetch } from './inflight-fetch.js';

/**
 * Subgraph fetches use Node's built-in fetch (undici): keep-alive connections pooled per
 * origin, without the HTTP-cache and retry layers of @apollo/gateway's default fetcher
 * (make-fetch-happen), which cost CPU on every fetch (bench/README.md, "keep-alive client").
 */
const asFetcher =
  (fetchImpl: typeof fetch): RemoteGraphQLDataSource['fetcher'] =>
  (url, init) =>
    // The two fetch APIs agree on what the data source uses (method, headers, body; status, headers, json).
    fetchImpl(url, init as RequestInit) as unknown as ReturnType<RemoteGraphQLDataSource['fetcher']>;
const builtInFetch = asFetcher(fetch);
/** One per process: identical subgraph queries in flight at once share a round trip (inflight-fetch.ts). */
const dedupingFetch = asFetcher(inflightDedupFetch(fetch));

/**
 * All subgraph I/O goes through this one class: it forwards the request id, and turns a
 * subgraph that cannot be reached into an error that names it, so the rest of the response
 * (other domains' fields) is still served.
 */
export class SubgraphDataSource extends RemoteGraphQLDataSource<GatewayContext> {
  constructor(
    readonly name: string,
    url: string,
    /** Signs the context token every fetch carries (no bypass: subgraphs refuse requests without one). */
    private readonly contextToken?: ContextTokenSigner,
    /** Share identical in-flight subgraph queries (SUBGRAPH_DEDUP, on by default). */
    dedup = false,
  ) {
    super({ url, fetcher: dedup ? dedupingFetch : builtInFetch });
  }

  override willSendRequest({ request, context }: GraphQLDataSourceProcessOptions<GatewayContext>): void {
    // Context is empty for the gateway's own requests (health checks, introspection).
    if ('requestId' in context) request.http?.headers.set('x-request-id', context.requestId);
    // The gateway's own fetches (`_service` for introspect-and-compose) carry its own principal.
    const token =
      'principal' in context
        ? this.contextToken?.sign(context.principal)
        : this.contextToken?.sign(GATEWAY_PRINCIPAL);
    if (token) request.http?.headers.set(CONTEXT_TOKEN_HEADER, token);
  }

  override async process(
    options: GraphQLDataSourceProcessOptions<GatewayContext>,
  ): Promise<GatewayGraphQLResponse> {
    const started = performance.now();
    const representations = options.request.variables?.representations;
    const record = (ok: boolean) =>
      // Only a client request has a pipeline context; the gateway's own health checks do not.
      'fetches' in options.context &&
      options.context.fetches.push({
        subgraph: this.name,
        durationMs: performance.now() - started,
        entityCount: Array.isArray(representations) ? representations.length : 0,
        ok,
      });
    try {
      const response = await super.process(options);
      record(!response.errors?.length);
      return response;
    } catch (cause) {
      record(false);
      throw subgraphUnavailable(this.name, cause);
    }
  }
}

/** The client learns which data product failed and why in one word; never its address. */
function subgraphUnavailable(subgraph: string, cause: unknown): MeshgateGraphQLError {
  const reason = failureReason(cause);
  const what = reason.startsWith('HTTP') ? 'failed' : 'is unavailable';
  return new MeshgateGraphQLError(
    ErrorCode.SUBGRAPH_UNAVAILABLE,
    `Subgraph "${subgraph}" ${what} (${reason})`,
    {
      subgraph,
      reason,
    },
  );
}

/** Who the gateway's own subgraph requests (health checks, `_service`) run as. */
const GATEWAY_PRINCIPAL = Object.freeze({
  sub: 'meshgate-gateway',
  anonymous: false,
  roles: Object.freeze(['gateway']),
  scopes: Object.freeze([]),
  attributes: Object.freeze({}),
});

function failureReason(cause: unknown): string {
  const error = cause as {
    code?: unknown;
    cause?: { code?: unknown };
    extensions?: { response?: { status?: unknown } };
  };
  const status = error.extensions?.response?.status;
  if (typeof status === 'number') return `HTTP ${status}`;
  const code = error.code ?? error.cause?.code;
  return typeof code === 'string' ? code : 'fetch failed';
}

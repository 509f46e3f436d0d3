import { RemoteGraphQLDataSource, type GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import type { GatewayGraphQLResponse } from '@apollo/server-gateway-interface';
import { CONTEXT_TOKEN_HEADER, type ContextTokenSigner } from '../subgraph-fetch/context-token.js';
import type { GatewayContext } from '../http/context.js';
import type { SubgraphFetch } from '../common/types.js';
import { ErrorCode, MeshgateGraphQLError } from '../common/errors.js';
import { inflightDedupFetch } from './inflight-fetch.js';
import { leanFetch, type LeanFetch, type LeanRequestInit } from './lean-fetch.js';
import {
  cachedFetch,
  contextFingerprinter,
  type CacheableFetch,
  type CachedSubgraphFetch,
  type EntityCache,
} from './entity-cache/index.js';
import { traceSubgraphFetch } from '../observability/tracing/propagate.js';

/**
 * Subgraph fetches use undici's `request` on keep-alive pools (lean-fetch.ts), without the
 * HTTP-cache and retry layers of @apollo/gateway's default fetcher (make-fetch-happen) or the
 * WHATWG streams of the built-in fetch, which cost CPU on every fetch (bench/README.md,
 * "Changes justified by measurement").
 */
const asFetcher =
  (fetchImpl: LeanFetch): RemoteGraphQLDataSource['fetcher'] =>
  (url, init) =>
    // The data source sends a string body and plain headers, and reads ok, status, statusText,
    // url, headers.get, json and text: what a LeanResponse has.
    fetchImpl(url, init as LeanRequestInit) as unknown as ReturnType<RemoteGraphQLDataSource['fetcher']>;
const plainFetch = asFetcher(leanFetch);
/** One per process: identical subgraph queries in flight at once share a round trip (inflight-fetch.ts). */
const dedupingFetch = asFetcher(inflightDedupFetch(leanFetch));

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
    /** Answer queries from the entity cache where it can (MESHGATE_CACHE, on by default). */
    private readonly cache?: EntityCache,
  ) {
    super({ url, fetcher: dedup ? dedupingFetch : plainFetch });
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
    traceSubgraphFetch(request.http?.headers, this.name); // W3C traceparent of the gateway.fetch span (OTEL_* on)
  }

  override async process(
    options: GraphQLDataSourceProcessOptions<GatewayContext>,
  ): Promise<GatewayGraphQLResponse> {
    const started = performance.now();
    const representations = options.request.variables?.representations;
    const record = (ok: boolean, cacheHits?: number) => {
      // Only a client request has a pipeline context; the gateway's own health checks do not.
      if (!('fetches' in options.context)) return;
      const fetch: SubgraphFetch | CachedSubgraphFetch = {
        subgraph: this.name,
        durationMs: performance.now() - started,
        entityCount: Array.isArray(representations) ? representations.length : 0,
        ok,
        ...(cacheHits !== undefined && { cacheHits }),
      };
      options.context.fetches.push(fetch);
    };
    try {
      const cacheable = this.cache && this.cacheable(options);
      if (this.cache && cacheable) {
        const answer = await cachedFetch(this.cache, cacheable, (variables) =>
          super.process(
            variables === options.request.variables
              ? options
              : { ...options, request: { ...options.request, variables: { ...variables } } },
          ),
        );
        record(!answer.response.errors?.length, answer.cacheHits);
        return answer.response;
      }
      const response = await super.process(options);
      record(!response.errors?.length);
      return response;
    } catch (cause) {
      record(false);
      throw subgraphUnavailable(this.name, cause);
    }
  }

  /**
   * What the cache may answer: a query fetch of a client's query operation. Never a fetch of
   * a mutation (its follow-up entity fetches read what it just changed), a subscription, or
   * the gateway's own requests; nor a product whose contract gives no lag (TTL 0).
   */
  private cacheable(options: GraphQLDataSourceProcessOptions<GatewayContext>): CacheableFetch | null {
    if (!('incomingRequestContext' in options) || !('principal' in options.context)) return null;
    const query = options.request.query;
    if (options.incomingRequestContext.operation?.operation !== 'query' || !query || !isQueryText(query))
      return null;
    if (this.cache!.ttlMs(this.name) <= 0) return null;
    return {
      subgraph: this.name,
      query,
      variables: options.request.variables,
      // The token this fetch carries (willSendRequest signs the same, cached per principal).
      fingerprint: fingerprintOf(this.contextToken?.sign(options.context.principal)),
    };
  }
}

/** One per process, like the token signer's cache it mirrors. */
const fingerprintOf = contextFingerprinter();

/** The gateway writes a subgraph operation as `query …` or `{…}`; anything else is not cached. */
function isQueryText(query: string): boolean {
  return query.startsWith('query') || query.startsWith('{');
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

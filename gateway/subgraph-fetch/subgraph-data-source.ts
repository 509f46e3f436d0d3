import { RemoteGraphQLDataSource, type GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import type { GatewayGraphQLResponse } from '@apollo/server-gateway-interface';
import { GATEWAY_PRINCIPAL, type ContextTokenSigner } from '../subgraph-fetch/context-token.js';
import type { GraphQLFormattedError } from 'graphql';
import { CONTEXT_TOKEN_HEADER, ROW_FILTERS_PROPERTY } from '../protocol/index.js';
import { RequestState } from '../pipeline/request-state.js';
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

export interface SubgraphDataSourceOptions {
  /** The subgraph's name in the supergraph: the data product. */
  readonly name: string;
  readonly url: string;
  /** Signs the context token every fetch carries (no bypass: subgraphs refuse requests without one). */
  readonly contextToken?: ContextTokenSigner | undefined;
  /** Share identical in-flight subgraph queries (SUBGRAPH_DEDUP, on by default). */
  readonly dedup?: boolean | undefined;
  /** Answer queries from the entity cache where it can (MESHGATE_CACHE, on by default). */
  readonly cache?: EntityCache | null | undefined;
  /** Told of each fetch a client request's plan made, as it finishes (the runner's `subgraphFetched`). */
  readonly onFetch?: ((state: RequestState, fetch: SubgraphFetch) => void) | undefined;
  /**
   * Whether the product's contract declares that it enforces row filters
   * (gateway/protocol/row-filter-enforcement.ts), read at each filtered fetch: `false` refuses
   * the fetch; `undefined` (no contract known here: a supergraph file without CONTRACTS_DIR)
   * sends the filter and leaves the refusal to the product, as a kit product does.
   */
  readonly enforcesRowFilters?: ((subgraph: string) => boolean | undefined) | undefined;
}

/**
 * All subgraph I/O goes through this one class: it forwards the request id, and turns a
 * subgraph that cannot be reached into an error that names it, so the rest of the response
 * (other domains' fields) is still served.
 */
export class SubgraphDataSource extends RemoteGraphQLDataSource<RequestState> {
  readonly name: string;
  private readonly contextToken: ContextTokenSigner | undefined;
  private readonly cache: EntityCache | undefined;
  private readonly onFetch: SubgraphDataSourceOptions['onFetch'];
  private readonly enforcesRowFilters: (subgraph: string) => boolean | undefined;

  constructor(options: SubgraphDataSourceOptions) {
    super({ url: options.url, fetcher: options.dedup ? dedupingFetch : plainFetch });
    this.name = options.name;
    this.contextToken = options.contextToken;
    this.cache = options.cache ?? undefined;
    this.onFetch = options.onFetch;
    this.enforcesRowFilters = options.enforcesRowFilters ?? (() => undefined);
  }

  override willSendRequest({ request, context }: GraphQLDataSourceProcessOptions<RequestState>): void {
    // A client request has its state; the gateway's own requests (health checks, `_service`
    // for introspect-and-compose) have none and carry the gateway's own principal.
    const state = context instanceof RequestState ? context : null;
    if (state) request.http?.headers.set('x-request-id', state.requestId);
    const token = state
      ? this.contextToken?.sign(state.principal, state.rowFilters)
      : this.contextToken?.sign(GATEWAY_PRINCIPAL);
    if (token) request.http?.headers.set(CONTEXT_TOKEN_HEADER, token);
    traceSubgraphFetch(request.http?.headers, this.name); // W3C traceparent of the gateway.fetch span (OTEL_* on)
  }

  override async process(
    options: GraphQLDataSourceProcessOptions<RequestState>,
  ): Promise<GatewayGraphQLResponse> {
    const started = performance.now();
    const representations = options.request.variables?.representations;
    const state = options.context instanceof RequestState ? options.context : null;
    const record = (ok: boolean, cacheHits?: number, fromCache?: boolean) => {
      // Only a client request has a state; the gateway's own health checks do not.
      if (!state) return;
      const fetch: SubgraphFetch | CachedSubgraphFetch = {
        subgraph: this.name,
        durationMs: performance.now() - started,
        entityCount: Array.isArray(representations) ? representations.length : 0,
        ok,
        ...(cacheHits !== undefined && { cacheHits }),
        ...(fromCache && { fromCache }),
      };
      if (this.onFetch) this.onFetch(state, fetch);
      else state.fetches.push(fetch);
    };
    // A filter for a product that has not declared it enforces filters would be ignored there:
    // the fetch is refused instead, answered as a product refuses a filter it cannot apply.
    const filters = state?.rowFilters.claims[this.name];
    if (filters?.length && this.enforcesRowFilters(this.name) === false) {
      record(false);
      return { errors: [rowFilterUnenforceable(this.name, filters[0]!)] };
    }
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
        record(!answer.response.errors?.length, answer.cacheHits, !answer.fetched);
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
  private cacheable(options: GraphQLDataSourceProcessOptions<RequestState>): CacheableFetch | null {
    const state = options.context instanceof RequestState ? options.context : null;
    if (!('incomingRequestContext' in options) || !state) return null;
    const query = options.request.query;
    if (options.incomingRequestContext.operation?.operation !== 'query' || !query || !isQueryText(query))
      return null;
    if (this.cache!.ttlMs(this.name) <= 0) return null;
    return {
      subgraph: this.name,
      query,
      variables: options.request.variables,
      // The token this fetch carries (willSendRequest signs the same, cached per principal).
      fingerprint: fingerprintOf(this.contextToken?.sign(state.principal, state.rowFilters)),
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

function rowFilterUnenforceable(
  subgraph: string,
  filter: { rule: string; type: string },
): GraphQLFormattedError {
  return {
    message: `Row filter not enforceable here: rule ${filter.rule} filters ${filter.type}, and data product "${subgraph}" does not declare that it enforces row filters (${ROW_FILTERS_PROPERTY}: enforced in its contract)`,
    extensions: { code: ErrorCode.ROW_FILTER_UNENFORCEABLE },
  };
}

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

import { GraphQLError } from 'graphql';

/**
 * Every error meshgate raises carries one of these codes, in `extensions.code` for GraphQL
 * errors and in the one-line message of the CLI. One enum, so a client or an operator can
 * rely on the list being complete (the model is Apollo Server's `errors/index.ts`).
 */
export enum ErrorCode {
  // Client mistakes (4xx).
  BAD_USER_INPUT = 'BAD_USER_INPUT',
  // Faults of a dependency: the response is partial, the process stays up.
  SUBGRAPH_UNAVAILABLE = 'SUBGRAPH_UNAVAILABLE',
  // Start-up refusals: the process exits with a one-line message naming the thing.
  CONFIG_INVALID = 'CONFIG_INVALID',
  UNKNOWN_SUBGRAPH = 'UNKNOWN_SUBGRAPH',
  SUPERGRAPH_UNREADABLE = 'SUPERGRAPH_UNREADABLE',
  SUPERGRAPH_INVALID = 'SUPERGRAPH_INVALID',
  COMPOSITION_FAILED = 'COMPOSITION_FAILED',
  PORT_IN_USE = 'PORT_IN_USE',
  DATABASE_UNREACHABLE = 'DATABASE_UNREACHABLE',
  /** `meshgate distributed`: one of its processes exited before it answered /ready. */
  PROCESS_EXITED = 'PROCESS_EXITED',
  /** `meshgate distributed`: one of its processes did not answer /ready in time. */
  NOT_READY = 'NOT_READY',
  // Policy layer (issue 3).
  /** 401: a bearer token is malformed, expired, not yet valid, wrongly signed or for another audience. */
  TOKEN_INVALID = 'TOKEN_INVALID',
  /** 401: authentication is required (AUTH_REQUIRED=true) and no token came. */
  UNAUTHENTICATED = 'UNAUTHENTICATED',
  /** A field or type the principal may not read: removed before planning (null + this error), or 403 in reject mode. */
  UNAUTHORIZED_FIELD_OR_TYPE = 'UNAUTHORIZED_FIELD_OR_TYPE',
  /** 401 from a subgraph: the request carries no valid gateway context token. */
  CONTEXT_TOKEN_INVALID = 'CONTEXT_TOKEN_INVALID',
  /** Start-up refusal: a policy file is invalid (names the file, the rule and the reason). */
  POLICY_INVALID = 'POLICY_INVALID',
  /** `meshgate policy test`: at least one policy test case failed. */
  POLICY_TEST_FAILED = 'POLICY_TEST_FAILED',
  // Lineage (issue 4).
  /** `meshgate lineage`: the lineage store (REDIS_URL) is not configured or cannot be reached. */
  LINEAGE_STORE_UNAVAILABLE = 'LINEAGE_STORE_UNAVAILABLE',
  /** 403 from the lineage admin endpoint: the principal has neither role admin nor data-steward. */
  LINEAGE_FORBIDDEN = 'LINEAGE_FORBIDDEN',
  /** `meshgate lineage export`: an exported event does not validate against the OpenLineage schemas. */
  LINEAGE_EXPORT_INVALID = 'LINEAGE_EXPORT_INVALID',
  /** `meshgate lineage export --post`: the OpenLineage endpoint refused the events or stayed unreachable after retries. */
  LINEAGE_SINK_FAILED = 'LINEAGE_SINK_FAILED',
  // Governance checks (issue 5): `meshgate check` exits 2 with one of these when it cannot run.
  /** `schema/governance.yaml` (or --governance) is missing or invalid. */
  GOVERNANCE_INVALID = 'GOVERNANCE_INVALID',
  /** The baseline supergraph (--base git ref, --base-schema file) cannot be read or is not a supergraph. */
  BASELINE_UNREADABLE = 'BASELINE_UNREADABLE',
  // Registry and publishing (issue 6).
  /** Another publish or rollback changed the registry while this one was being checked. */
  REGISTRY_CONFLICT = 'REGISTRY_CONFLICT',
  /** The registry (Redis or its directory) cannot be read or written. */
  REGISTRY_UNAVAILABLE = 'REGISTRY_UNAVAILABLE',
  /** `meshgate publish` refused the change: it does not compose or fails a blocking check. */
  PUBLISH_REJECTED = 'PUBLISH_REJECTED',
  /** `meshgate rollback`: the subgraph has no earlier version to go back to. */
  NOTHING_TO_ROLL_BACK = 'NOTHING_TO_ROLL_BACK',
  /** 403 from /catalog: the principal has none of the roles analyst, admin, data-steward. */
  CATALOG_FORBIDDEN = 'CATALOG_FORBIDDEN',
  // Limits, abuse and persisted operations (issue 8). Each answers with the status noted.
  /** 400: the operation nests fields deeper than MAX_DEPTH. */
  DEPTH_LIMIT_EXCEEDED = 'DEPTH_LIMIT_EXCEEDED',
  /** 400: the operation uses more than MAX_ALIASES aliases. */
  ALIAS_LIMIT_EXCEEDED = 'ALIAS_LIMIT_EXCEEDED',
  /** 400: the operation selects more than MAX_ROOT_FIELDS root fields. */
  ROOT_FIELD_LIMIT_EXCEEDED = 'ROOT_FIELD_LIMIT_EXCEEDED',
  /** 400: the document has more than MAX_TOKENS lexical tokens (parsing stops there). */
  TOKEN_LIMIT_EXCEEDED = 'TOKEN_LIMIT_EXCEEDED',
  /** 400: the operation's estimated cost is above MAX_COST. */
  COST_LIMIT_EXCEEDED = 'COST_LIMIT_EXCEEDED',
  /** 400: a batched HTTP request carries more than MAX_BATCH operations. */
  BATCH_LIMIT_EXCEEDED = 'BATCH_LIMIT_EXCEEDED',
  /** 413: the request body is larger than MAX_BODY_BYTES. */
  PAYLOAD_TOO_LARGE = 'PAYLOAD_TOO_LARGE',
  /** 400: the body is not valid JSON. */
  MALFORMED_REQUEST = 'MALFORMED_REQUEST',
  /** 415: the content type is neither application/json nor application/graphql-response+json. */
  UNSUPPORTED_MEDIA_TYPE = 'UNSUPPORTED_MEDIA_TYPE',
  /** 429 with Retry-After: the principal sent more than RATE_LIMIT_POINTS operations in RATE_LIMIT_WINDOW_SECONDS. */
  RATE_LIMITED = 'RATE_LIMITED',
  /** 400: SAFELIST=on and the operation is not in the published manifest (SAFELIST_PATH). */
  OPERATION_NOT_IN_SAFELIST = 'OPERATION_NOT_IN_SAFELIST',
  // Anything else; its details are masked outside development.
  INTERNAL_SERVER_ERROR = 'INTERNAL_SERVER_ERROR',
}

/** Apollo Server's own codes for a request refused before it ran: a client's mistake, never masked. */
export const APOLLO_REQUEST_ERROR_CODES: readonly string[] = [
  'GRAPHQL_PARSE_FAILED',
  'GRAPHQL_VALIDATION_FAILED',
  'BAD_REQUEST',
  'PERSISTED_QUERY_NOT_FOUND',
  'PERSISTED_QUERY_NOT_SUPPORTED',
  'OPERATION_RESOLUTION_FAILURE',
];

/** Codes of a request refused before it ran (lineage outcome `rejected`): Apollo's and meshgate's own. */
export const REQUEST_REFUSAL_CODES: ReadonlySet<string> = new Set([
  ...APOLLO_REQUEST_ERROR_CODES,
  'FORBIDDEN',
  ErrorCode.UNAUTHENTICATED,
  ErrorCode.TOKEN_INVALID,
  ErrorCode.DEPTH_LIMIT_EXCEEDED,
  ErrorCode.ALIAS_LIMIT_EXCEEDED,
  ErrorCode.ROOT_FIELD_LIMIT_EXCEEDED,
  ErrorCode.TOKEN_LIMIT_EXCEEDED,
  ErrorCode.COST_LIMIT_EXCEEDED,
  ErrorCode.BATCH_LIMIT_EXCEEDED,
  ErrorCode.PAYLOAD_TOO_LARGE,
  ErrorCode.MALFORMED_REQUEST,
  ErrorCode.UNSUPPORTED_MEDIA_TYPE,
  ErrorCode.RATE_LIMITED,
  ErrorCode.OPERATION_NOT_IN_SAFELIST,
]);

/** An error a GraphQL client sees; `extensions.code` is always set. */
export class MeshgateGraphQLError extends GraphQLError {
  constructor(code: ErrorCode, message: string, extensions: Record<string, unknown> = {}) {
    super(message, { extensions: { ...extensions, code } });
  }
}

/** A client's bad argument (a malformed cursor, a page size out of range). */
export class BadUserInputError extends MeshgateGraphQLError {
  constructor(message: string, argument: string) {
    super(ErrorCode.BAD_USER_INPUT, message, { argument });
  }
}

/**
 * A reason the process cannot start or a command cannot run. The CLI prints it as one line,
 * `meshgate: error[CODE]: message`, and exits non-zero — never a stack dump.
 */
export class StartupError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    override readonly cause?: unknown,
  ) {
    super(message);
    this.name = 'StartupError';
  }
}

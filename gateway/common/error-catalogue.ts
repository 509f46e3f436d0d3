/**
 * Every error meshgate raises carries one of these codes, in `extensions.code` for GraphQL
 * errors and in the one-line message of the CLI. One enum, so a client or an operator can
 * rely on the list being complete (the model is Apollo Server's `errors/index.ts`). Apollo
 * Server's own codes are listed too: the gateway answers with them, and a client cannot tell
 * which of the two raised an error.
 */
export enum ErrorCode {
  // Apollo Server's codes (`ApolloServerErrorCode`), spelled as Apollo spells them.
  GRAPHQL_PARSE_FAILED = 'GRAPHQL_PARSE_FAILED',
  GRAPHQL_VALIDATION_FAILED = 'GRAPHQL_VALIDATION_FAILED',
  BAD_REQUEST = 'BAD_REQUEST',
  PERSISTED_QUERY_NOT_FOUND = 'PERSISTED_QUERY_NOT_FOUND',
  PERSISTED_QUERY_NOT_SUPPORTED = 'PERSISTED_QUERY_NOT_SUPPORTED',
  OPERATION_RESOLUTION_FAILURE = 'OPERATION_RESOLUTION_FAILURE',
  BAD_USER_INPUT = 'BAD_USER_INPUT',
  INTERNAL_SERVER_ERROR = 'INTERNAL_SERVER_ERROR',
  // Faults of a dependency.
  SUBGRAPH_UNAVAILABLE = 'SUBGRAPH_UNAVAILABLE',
  // Start-up refusals.
  CONFIG_INVALID = 'CONFIG_INVALID',
  UNKNOWN_SUBGRAPH = 'UNKNOWN_SUBGRAPH',
  SUPERGRAPH_UNREADABLE = 'SUPERGRAPH_UNREADABLE',
  SUPERGRAPH_INVALID = 'SUPERGRAPH_INVALID',
  COMPOSITION_FAILED = 'COMPOSITION_FAILED',
  PORT_IN_USE = 'PORT_IN_USE',
  STARTUP_FAILED = 'STARTUP_FAILED',
  GATEWAY_UNREACHABLE = 'GATEWAY_UNREACHABLE',
  DATABASE_UNREACHABLE = 'DATABASE_UNREACHABLE',
  PROCESS_EXITED = 'PROCESS_EXITED',
  NOT_READY = 'NOT_READY',
  // Policy layer (issue 3).
  TOKEN_INVALID = 'TOKEN_INVALID',
  UNAUTHENTICATED = 'UNAUTHENTICATED',
  // The organisation's identity provider (issue 28).
  IDENTITY_PROVIDER_UNAVAILABLE = 'IDENTITY_PROVIDER_UNAVAILABLE',
  CONSOLE_SSO_FAILED = 'CONSOLE_SSO_FAILED',
  CONSOLE_TOKEN_PASTE_DISABLED = 'CONSOLE_TOKEN_PASTE_DISABLED',
  UNAUTHORIZED_FIELD_OR_TYPE = 'UNAUTHORIZED_FIELD_OR_TYPE',
  CONTEXT_TOKEN_INVALID = 'CONTEXT_TOKEN_INVALID',
  POLICY_INVALID = 'POLICY_INVALID',
  POLICY_TEST_FAILED = 'POLICY_TEST_FAILED',
  // Lineage (issue 4).
  LINEAGE_STORE_UNAVAILABLE = 'LINEAGE_STORE_UNAVAILABLE',
  LINEAGE_FORBIDDEN = 'LINEAGE_FORBIDDEN',
  LINEAGE_EXPORT_INVALID = 'LINEAGE_EXPORT_INVALID',
  LINEAGE_SINK_FAILED = 'LINEAGE_SINK_FAILED',
  // Governance checks (issue 5): `meshgate check` exits 2 with one of these when it cannot run.
  GOVERNANCE_INVALID = 'GOVERNANCE_INVALID',
  BASELINE_UNREADABLE = 'BASELINE_UNREADABLE',
  // Registry, publishing and the catalog (issue 6).
  REGISTRY_CONFLICT = 'REGISTRY_CONFLICT',
  REGISTRY_UNAVAILABLE = 'REGISTRY_UNAVAILABLE',
  PUBLISH_REJECTED = 'PUBLISH_REJECTED',
  NOTHING_TO_ROLL_BACK = 'NOTHING_TO_ROLL_BACK',
  // The registry service: identity and ownership (issue 27).
  REGISTRY_REQUEST_INVALID = 'REGISTRY_REQUEST_INVALID',
  CONTRACT_SDL_MISMATCH = 'CONTRACT_SDL_MISMATCH',
  REGISTRY_FORBIDDEN = 'REGISTRY_FORBIDDEN',
  PRODUCT_NAME_TAKEN = 'PRODUCT_NAME_TAKEN',
  TEAM_TRANSFER_FORBIDDEN = 'TEAM_TRANSFER_FORBIDDEN',
  CATALOG_FORBIDDEN = 'CATALOG_FORBIDDEN',
  // Limits, abuse and persisted operations (issue 8).
  DEPTH_LIMIT_EXCEEDED = 'DEPTH_LIMIT_EXCEEDED',
  ALIAS_LIMIT_EXCEEDED = 'ALIAS_LIMIT_EXCEEDED',
  ROOT_FIELD_LIMIT_EXCEEDED = 'ROOT_FIELD_LIMIT_EXCEEDED',
  TOKEN_LIMIT_EXCEEDED = 'TOKEN_LIMIT_EXCEEDED',
  COST_LIMIT_EXCEEDED = 'COST_LIMIT_EXCEEDED',
  BATCH_LIMIT_EXCEEDED = 'BATCH_LIMIT_EXCEEDED',
  PAYLOAD_TOO_LARGE = 'PAYLOAD_TOO_LARGE',
  MALFORMED_REQUEST = 'MALFORMED_REQUEST',
  UNSUPPORTED_MEDIA_TYPE = 'UNSUPPORTED_MEDIA_TYPE',
  RATE_LIMITED = 'RATE_LIMITED',
  OPERATION_NOT_IN_SAFELIST = 'OPERATION_NOT_IN_SAFELIST',
  // Bounded query planning (issue 30).
  QUERY_PLANNING_TIMEOUT = 'QUERY_PLANNING_TIMEOUT',
  // The entity cache (issue 16).
  CACHE_FORBIDDEN = 'CACHE_FORBIDDEN',
  CACHE_UNAVAILABLE = 'CACHE_UNAVAILABLE',
  // Data contracts and quality rules (issue 14).
  CONTRACT_INVALID = 'CONTRACT_INVALID',
  QUALITY_RULE_INVALID = 'QUALITY_RULE_INVALID',
  // SLOs and data product health (issue 14).
  SLO_FORBIDDEN = 'SLO_FORBIDDEN',
  SLO_UNAVAILABLE = 'SLO_UNAVAILABLE',
  QUALITY_FORBIDDEN = 'QUALITY_FORBIDDEN',
  QUALITY_UNAVAILABLE = 'QUALITY_UNAVAILABLE',
  // The console (issue 15).
  CONSOLE_SESSION_REQUIRED = 'CONSOLE_SESSION_REQUIRED',
  CSRF_INVALID = 'CSRF_INVALID',
  CONSOLE_FORBIDDEN = 'CONSOLE_FORBIDDEN',
  // @defer (issue 18).
  DEFER_INVALID = 'DEFER_INVALID',
  // Row filters and access requests (issue 17).
  ROW_FILTERED = 'ROW_FILTERED',
  ROW_FILTER_UNENFORCEABLE = 'ROW_FILTER_UNENFORCEABLE',
  ACCESS_REQUEST_INVALID = 'ACCESS_REQUEST_INVALID',
  ACCESS_FORBIDDEN = 'ACCESS_FORBIDDEN',
  ACCESS_REQUEST_NOT_FOUND = 'ACCESS_REQUEST_NOT_FOUND',
  GRANT_INVALID = 'GRANT_INVALID',
  // Alerts and incidents (issue 14).
  INCIDENT_NOT_FOUND = 'INCIDENT_NOT_FOUND',
  INCIDENT_PREFLIGHT_REQUIRED = 'INCIDENT_PREFLIGHT_REQUIRED',
  // One admin surface (issue "One request pipeline of stages", item 4).
  PREFLIGHT_REQUIRED = 'PREFLIGHT_REQUIRED',
  // The MCP endpoint (issue 29): JSON-RPC errors carry these in `error.data.code`.
  MCP_UNKNOWN_TOOL = 'MCP_UNKNOWN_TOOL',
  MCP_INVALID_ARGUMENTS = 'MCP_INVALID_ARGUMENTS',
  MCP_TOOL_DISABLED = 'MCP_TOOL_DISABLED',
  MCP_UNKNOWN_RESOURCE = 'MCP_UNKNOWN_RESOURCE',
  MCP_SESSION_REQUIRED = 'MCP_SESSION_REQUIRED',
  MCP_SESSION_NOT_FOUND = 'MCP_SESSION_NOT_FOUND',
  MCP_SESSION_FORBIDDEN = 'MCP_SESSION_FORBIDDEN',
}

/**
 * - `refusal`: the gateway refused a GraphQL request before it ran, for the client's mistake;
 *   lineage records the outcome `rejected`.
 * - `client`: any other mistake of a client: a bad argument, a field the principal may not
 *   read, a request to one of the gateway's own routes (or to a subgraph) that is refused.
 * - `dependency`: a dependency failed; the process stays up.
 * - `internal`: anything else; its details are masked outside development.
 * - `startup`: the process cannot start or a command cannot run. It exits non-zero with one
 *   line naming the thing, so there is no HTTP status.
 */
export type ErrorKind = 'refusal' | 'client' | 'dependency' | 'internal' | 'startup';

interface ErrorSpecOf<C extends ErrorCode> {
  readonly code: C;
  /** The default sentence; a call site that knows more (the numbers, the name) sends its own. */
  readonly message: string;
  /** Apollo Server raises it too, and answers with the same status. */
  readonly apollo?: true;
}

/**
 * `status` is that of a response this error refuses. An error inside a partial response (data
 * and errors, as a subgraph that is down or a removed field gives) leaves the status at 200.
 * Only the start-up kind has none, so that no one asks a CLI-only code for a status.
 */
export type ErrorSpec<C extends ErrorCode = ErrorCode> = ErrorSpecOf<C> &
  (
    | { readonly kind: Exclude<ErrorKind, 'startup'>; readonly status: number }
    | { readonly kind: 'startup'; readonly status: null }
  );

type ErrorCatalogue = { readonly [C in ErrorCode]: ErrorSpec<C> };

/**
 * The catalogue, in fastify's `createError` style: one entry per code, so a status or a
 * default message is written once. README.md's error-code table is checked against it.
 */
export const ERROR_CATALOGUE = {
  [ErrorCode.GRAPHQL_PARSE_FAILED]: {
    code: ErrorCode.GRAPHQL_PARSE_FAILED,
    kind: 'refusal',
    status: 400,
    message: 'The document is not valid GraphQL',
    apollo: true,
  },
  [ErrorCode.GRAPHQL_VALIDATION_FAILED]: {
    code: ErrorCode.GRAPHQL_VALIDATION_FAILED,
    kind: 'refusal',
    status: 400,
    message: 'The operation does not validate against the schema',
    apollo: true,
  },
  [ErrorCode.BAD_REQUEST]: {
    code: ErrorCode.BAD_REQUEST,
    kind: 'refusal',
    // Apollo Server sends 405 or 406 for a wrong method or Accept header, with this code.
    status: 400,
    message: 'The HTTP request is not a GraphQL request that can be run',
    apollo: true,
  },
  [ErrorCode.PERSISTED_QUERY_NOT_FOUND]: {
    code: ErrorCode.PERSISTED_QUERY_NOT_FOUND,
    kind: 'refusal',
    // The APQ protocol: the client is expected to resend with the query, so nothing on the
    // way (a proxy, a client's error handling) should treat this as a failure.
    status: 200,
    message: 'PersistedQueryNotFound',
    apollo: true,
  },
  [ErrorCode.PERSISTED_QUERY_NOT_SUPPORTED]: {
    code: ErrorCode.PERSISTED_QUERY_NOT_SUPPORTED,
    kind: 'refusal',
    status: 200,
    message: 'PersistedQueryNotSupported',
    apollo: true,
  },
  [ErrorCode.OPERATION_RESOLUTION_FAILURE]: {
    code: ErrorCode.OPERATION_RESOLUTION_FAILURE,
    kind: 'refusal',
    status: 400,
    message: 'The document has no operation to run (several operations, no or an unknown operationName)',
    apollo: true,
  },
  [ErrorCode.BAD_USER_INPUT]: {
    code: ErrorCode.BAD_USER_INPUT,
    kind: 'client',
    status: 400,
    message: 'A bad argument, variable or parameter (the error names it)',
    apollo: true,
  },
  [ErrorCode.INTERNAL_SERVER_ERROR]: {
    code: ErrorCode.INTERNAL_SERVER_ERROR,
    kind: 'internal',
    status: 500,
    message: 'Internal server error',
    apollo: true,
  },
  [ErrorCode.SUBGRAPH_UNAVAILABLE]: {
    code: ErrorCode.SUBGRAPH_UNAVAILABLE,
    kind: 'dependency',
    // In a GraphQL response this is one error of a partial 200; /catalog answers 503 with it.
    status: 503,
    message: 'A subgraph cannot be reached or failed',
  },
  [ErrorCode.CONFIG_INVALID]: {
    code: ErrorCode.CONFIG_INVALID,
    kind: 'startup',
    status: null,
    message: 'A configuration variable or file is invalid',
  },
  [ErrorCode.UNKNOWN_SUBGRAPH]: {
    code: ErrorCode.UNKNOWN_SUBGRAPH,
    kind: 'client',
    // A command refuses an unknown name at start; GET /catalog/:product answers 404.
    status: 404,
    message: 'No data product of that name',
  },
  [ErrorCode.SUPERGRAPH_UNREADABLE]: {
    code: ErrorCode.SUPERGRAPH_UNREADABLE,
    kind: 'startup',
    status: null,
    message: 'The supergraph file cannot be read',
  },
  [ErrorCode.SUPERGRAPH_INVALID]: {
    code: ErrorCode.SUPERGRAPH_INVALID,
    kind: 'startup',
    status: null,
    message: 'The supergraph is not a valid composed supergraph',
  },
  [ErrorCode.COMPOSITION_FAILED]: {
    code: ErrorCode.COMPOSITION_FAILED,
    kind: 'startup',
    status: null,
    message: 'The subgraphs do not compose',
  },
  [ErrorCode.PORT_IN_USE]: {
    code: ErrorCode.PORT_IN_USE,
    kind: 'startup',
    status: null,
    message: 'The port is in use',
  },
  [ErrorCode.GATEWAY_UNREACHABLE]: {
    code: ErrorCode.GATEWAY_UNREACHABLE,
    kind: 'startup',
    status: null,
    message: 'The CLI cannot reach the gateway it was pointed at (--url, MESHGATE_URL)',
  },
  [ErrorCode.STARTUP_FAILED]: {
    code: ErrorCode.STARTUP_FAILED,
    kind: 'startup',
    status: null,
    message: 'The gateway could not start (e.g. its state directory is not writable)',
  },
  [ErrorCode.DATABASE_UNREACHABLE]: {
    code: ErrorCode.DATABASE_UNREACHABLE,
    kind: 'startup',
    status: null,
    message: 'A data product cannot reach its database',
  },
  [ErrorCode.PROCESS_EXITED]: {
    code: ErrorCode.PROCESS_EXITED,
    kind: 'startup',
    status: null,
    message: 'meshgate distributed: one of its processes exited before it answered /ready',
  },
  [ErrorCode.NOT_READY]: {
    code: ErrorCode.NOT_READY,
    kind: 'startup',
    status: null,
    message: 'meshgate distributed: one of its processes did not answer /ready in time',
  },
  [ErrorCode.TOKEN_INVALID]: {
    code: ErrorCode.TOKEN_INVALID,
    kind: 'refusal',
    status: 401,
    message:
      'Invalid bearer token (malformed, expired, not yet valid, wrongly signed or for another audience)',
  },
  [ErrorCode.UNAUTHENTICATED]: {
    code: ErrorCode.UNAUTHENTICATED,
    kind: 'refusal',
    status: 401,
    message: 'Authentication required: send Authorization: Bearer <token>',
  },
  [ErrorCode.IDENTITY_PROVIDER_UNAVAILABLE]: {
    code: ErrorCode.IDENTITY_PROVIDER_UNAVAILABLE,
    // 401, not 503: the request is refused for want of a verifiable token; it never hangs on the provider.
    kind: 'refusal',
    status: 401,
    message:
      "The identity provider's keys cannot be fetched, so the bearer token cannot be verified now: retry later",
  },
  [ErrorCode.CONSOLE_SSO_FAILED]: {
    code: ErrorCode.CONSOLE_SSO_FAILED,
    kind: 'client',
    status: 401,
    message:
      'Sign-in with the identity provider failed (expired or replayed sign-in, refused code, or a token the gateway does not accept): sign in again',
  },
  [ErrorCode.CONSOLE_TOKEN_PASTE_DISABLED]: {
    code: ErrorCode.CONSOLE_TOKEN_PASTE_DISABLED,
    kind: 'client',
    status: 403,
    message:
      'Signing in to the console by pasting a token is for development only: sign in with the identity provider',
  },
  [ErrorCode.UNAUTHORIZED_FIELD_OR_TYPE]: {
    code: ErrorCode.UNAUTHORIZED_FIELD_OR_TYPE,
    // Not a refusal: in enforce mode the field is null and the rest of the response is served.
    kind: 'client',
    status: 403,
    message: 'A field or type the principal may not read',
  },
  [ErrorCode.CONTEXT_TOKEN_INVALID]: {
    code: ErrorCode.CONTEXT_TOKEN_INVALID,
    kind: 'client',
    status: 401,
    message: 'A subgraph was asked without a valid gateway context token',
  },
  [ErrorCode.POLICY_INVALID]: {
    code: ErrorCode.POLICY_INVALID,
    kind: 'startup',
    status: null,
    message: 'A policy file is invalid',
  },
  [ErrorCode.POLICY_TEST_FAILED]: {
    code: ErrorCode.POLICY_TEST_FAILED,
    kind: 'startup',
    status: null,
    message: 'meshgate policy test: a policy test case failed',
  },
  [ErrorCode.LINEAGE_STORE_UNAVAILABLE]: {
    code: ErrorCode.LINEAGE_STORE_UNAVAILABLE,
    kind: 'startup',
    status: null,
    message: 'The lineage store (REDIS_URL) is not configured or cannot be reached',
  },
  [ErrorCode.LINEAGE_FORBIDDEN]: {
    code: ErrorCode.LINEAGE_FORBIDDEN,
    kind: 'client',
    status: 403,
    message: 'Lineage is readable with role admin or data-steward',
  },
  [ErrorCode.LINEAGE_EXPORT_INVALID]: {
    code: ErrorCode.LINEAGE_EXPORT_INVALID,
    kind: 'startup',
    status: null,
    message: 'An exported lineage event does not validate against the OpenLineage schemas',
  },
  [ErrorCode.LINEAGE_SINK_FAILED]: {
    code: ErrorCode.LINEAGE_SINK_FAILED,
    kind: 'startup',
    status: null,
    message: 'The OpenLineage endpoint refused the events or stayed unreachable after retries',
  },
  [ErrorCode.GOVERNANCE_INVALID]: {
    code: ErrorCode.GOVERNANCE_INVALID,
    kind: 'startup',
    status: null,
    message: 'The governance file is missing or invalid',
  },
  [ErrorCode.BASELINE_UNREADABLE]: {
    code: ErrorCode.BASELINE_UNREADABLE,
    kind: 'startup',
    status: null,
    message: 'The baseline supergraph cannot be read or is not a supergraph',
  },
  [ErrorCode.REGISTRY_CONFLICT]: {
    code: ErrorCode.REGISTRY_CONFLICT,
    kind: 'client',
    status: 409,
    message: 'Another publish or rollback changed the registry meanwhile: publish again',
  },
  [ErrorCode.REGISTRY_UNAVAILABLE]: {
    code: ErrorCode.REGISTRY_UNAVAILABLE,
    kind: 'dependency',
    status: 503,
    message: 'The registry cannot be read or written (its store is down or unreachable)',
  },
  [ErrorCode.PUBLISH_REJECTED]: {
    code: ErrorCode.PUBLISH_REJECTED,
    kind: 'client',
    status: 422,
    message: 'The change does not compose or fails a blocking check',
  },
  [ErrorCode.NOTHING_TO_ROLL_BACK]: {
    code: ErrorCode.NOTHING_TO_ROLL_BACK,
    kind: 'client',
    status: 409,
    message: 'The subgraph has no earlier version to go back to',
  },
  [ErrorCode.REGISTRY_REQUEST_INVALID]: {
    code: ErrorCode.REGISTRY_REQUEST_INVALID,
    kind: 'client',
    status: 400,
    message:
      'A registry request is malformed: a product name (a-z, 0-9, -), its SDL and a valid ODCS data contract naming it are required',
  },
  [ErrorCode.CONTRACT_SDL_MISMATCH]: {
    code: ErrorCode.CONTRACT_SDL_MISMATCH,
    kind: 'client',
    status: 422,
    message: "The data contract's schema disagrees with the SDL it is published with",
  },
  [ErrorCode.REGISTRY_FORBIDDEN]: {
    code: ErrorCode.REGISTRY_FORBIDDEN,
    kind: 'client',
    status: 403,
    message:
      "The token's teams do not own this data product: only its team (the contract's team.name) or the role registry-admin may change it",
  },
  [ErrorCode.PRODUCT_NAME_TAKEN]: {
    code: ErrorCode.PRODUCT_NAME_TAKEN,
    kind: 'client',
    status: 409,
    message: 'The data product name is claimed by another team: choose another name',
  },
  [ErrorCode.TEAM_TRANSFER_FORBIDDEN]: {
    code: ErrorCode.TEAM_TRANSFER_FORBIDDEN,
    kind: 'client',
    status: 403,
    message: "Changing a data product's team.name (a transfer) needs the role registry-admin",
  },
  [ErrorCode.CATALOG_FORBIDDEN]: {
    code: ErrorCode.CATALOG_FORBIDDEN,
    kind: 'client',
    status: 403,
    message: 'The catalog is for the roles analyst, admin, data-steward',
  },
  [ErrorCode.DEPTH_LIMIT_EXCEEDED]: {
    code: ErrorCode.DEPTH_LIMIT_EXCEEDED,
    kind: 'refusal',
    status: 400,
    message: 'The operation nests fields deeper than MAX_DEPTH',
  },
  [ErrorCode.ALIAS_LIMIT_EXCEEDED]: {
    code: ErrorCode.ALIAS_LIMIT_EXCEEDED,
    kind: 'refusal',
    status: 400,
    message: 'The document uses more than MAX_ALIASES aliases',
  },
  [ErrorCode.ROOT_FIELD_LIMIT_EXCEEDED]: {
    code: ErrorCode.ROOT_FIELD_LIMIT_EXCEEDED,
    kind: 'refusal',
    status: 400,
    message: 'The operation selects more than MAX_ROOT_FIELDS root fields',
  },
  [ErrorCode.TOKEN_LIMIT_EXCEEDED]: {
    code: ErrorCode.TOKEN_LIMIT_EXCEEDED,
    kind: 'refusal',
    status: 400,
    message: 'The document has more than MAX_TOKENS lexical tokens',
  },
  [ErrorCode.COST_LIMIT_EXCEEDED]: {
    code: ErrorCode.COST_LIMIT_EXCEEDED,
    kind: 'refusal',
    status: 400,
    message: "The operation's estimated cost is above MAX_COST",
  },
  [ErrorCode.BATCH_LIMIT_EXCEEDED]: {
    code: ErrorCode.BATCH_LIMIT_EXCEEDED,
    kind: 'refusal',
    status: 400,
    message: 'The batch carries more than MAX_BATCH operations',
  },
  [ErrorCode.PAYLOAD_TOO_LARGE]: {
    code: ErrorCode.PAYLOAD_TOO_LARGE,
    kind: 'refusal',
    status: 413,
    message: 'Request body is too large',
  },
  [ErrorCode.MALFORMED_REQUEST]: {
    code: ErrorCode.MALFORMED_REQUEST,
    kind: 'refusal',
    // Another 4xx that fastify reports for the body keeps its own status.
    status: 400,
    message: 'Malformed request',
  },
  [ErrorCode.UNSUPPORTED_MEDIA_TYPE]: {
    code: ErrorCode.UNSUPPORTED_MEDIA_TYPE,
    kind: 'refusal',
    status: 415,
    message: 'Unsupported content type: send application/json',
  },
  [ErrorCode.RATE_LIMITED]: {
    code: ErrorCode.RATE_LIMITED,
    kind: 'refusal',
    status: 429,
    message: 'Rate limit exceeded (RATE_LIMIT_POINTS operations per RATE_LIMIT_WINDOW_SECONDS)',
  },
  [ErrorCode.OPERATION_NOT_IN_SAFELIST]: {
    code: ErrorCode.OPERATION_NOT_IN_SAFELIST,
    kind: 'refusal',
    status: 400,
    message: 'Operation is not in the published safelist',
  },
  [ErrorCode.QUERY_PLANNING_TIMEOUT]: {
    code: ErrorCode.QUERY_PLANNING_TIMEOUT,
    kind: 'refusal',
    // Planning is deterministic: the same operation on the same supergraph would time out again.
    status: 400,
    message: 'The operation took longer than QUERY_PLANNING_TIMEOUT_MS to plan; simplify it',
  },
  [ErrorCode.CACHE_FORBIDDEN]: {
    code: ErrorCode.CACHE_FORBIDDEN,
    kind: 'client',
    status: 403,
    message: 'The entity cache is administered with role admin or data-steward',
  },
  [ErrorCode.CACHE_UNAVAILABLE]: {
    code: ErrorCode.CACHE_UNAVAILABLE,
    kind: 'dependency',
    status: 503,
    message:
      'The entity cache is off, or the gateway or Redis that carries its invalidations cannot be reached',
  },
  [ErrorCode.CONTRACT_INVALID]: {
    code: ErrorCode.CONTRACT_INVALID,
    kind: 'startup',
    status: null,
    message: 'A data contract (contract.odcs.yaml) is invalid: the error names the file and the JSON pointer',
  },
  [ErrorCode.QUALITY_RULE_INVALID]: {
    code: ErrorCode.QUALITY_RULE_INVALID,
    kind: 'startup',
    status: null,
    message:
      "A contract's quality rule cannot run: an unknown table or column, or a custom query that is not one SELECT",
  },
  [ErrorCode.SLO_FORBIDDEN]: {
    code: ErrorCode.SLO_FORBIDDEN,
    kind: 'client',
    status: 403,
    message: 'SLOs and data product health are readable with role admin or data-steward',
  },
  [ErrorCode.SLO_UNAVAILABLE]: {
    code: ErrorCode.SLO_UNAVAILABLE,
    kind: 'dependency',
    status: 503,
    message: 'SLIs are off (MESHGATE_SLI=off), or the gateway or Redis that holds them cannot be reached',
  },
  [ErrorCode.QUALITY_FORBIDDEN]: {
    code: ErrorCode.QUALITY_FORBIDDEN,
    kind: 'client',
    status: 403,
    message: 'Running quality rules and reading their history need role admin or data-steward',
  },
  [ErrorCode.QUALITY_UNAVAILABLE]: {
    code: ErrorCode.QUALITY_UNAVAILABLE,
    kind: 'dependency',
    status: 503,
    message:
      'Quality is off on this gateway (MESHGATE_QUALITY=off, or no quality store), or the gateway cannot be reached',
  },
  [ErrorCode.CONSOLE_SESSION_REQUIRED]: {
    code: ErrorCode.CONSOLE_SESSION_REQUIRED,
    kind: 'client',
    status: 401,
    message: 'No console session: sign in at /console/login',
  },
  [ErrorCode.CSRF_INVALID]: {
    code: ErrorCode.CSRF_INVALID,
    kind: 'client',
    status: 403,
    message: "A state-changing request on the console session needs the session's x-meshgate-csrf header",
  },
  [ErrorCode.CONSOLE_FORBIDDEN]: {
    code: ErrorCode.CONSOLE_FORBIDDEN,
    kind: 'client',
    status: 403,
    message: "The console's governance pages (policy matrix, schema checks) need role admin or data-steward",
  },
  [ErrorCode.DEFER_INVALID]: {
    code: ErrorCode.DEFER_INVALID,
    kind: 'client',
    status: 400,
    message:
      '@defer applies to inline fragments and fragment spreads of a query, with a Boolean `if` and a String `label`',
  },
  [ErrorCode.ROW_FILTERED]: {
    code: ErrorCode.ROW_FILTERED,
    kind: 'client',
    status: 403,
    message: "The entity is outside the principal's row filter",
  },
  [ErrorCode.ROW_FILTER_UNENFORCEABLE]: {
    code: ErrorCode.ROW_FILTER_UNENFORCEABLE,
    kind: 'client',
    status: 403,
    message: 'A data product was sent a row filter it cannot enforce, so it refused the request',
  },
  [ErrorCode.ACCESS_REQUEST_INVALID]: {
    code: ErrorCode.ACCESS_REQUEST_INVALID,
    kind: 'client',
    status: 400,
    message: 'An access request needs a known product, fields it serves, a purpose and a duration',
  },
  [ErrorCode.ACCESS_FORBIDDEN]: {
    code: ErrorCode.ACCESS_FORBIDDEN,
    kind: 'client',
    status: 403,
    message: "Only an approver named in the product's contract reviews its access requests",
  },
  [ErrorCode.ACCESS_REQUEST_NOT_FOUND]: {
    code: ErrorCode.ACCESS_REQUEST_NOT_FOUND,
    kind: 'client',
    status: 404,
    message: 'No pending access request with that id',
  },
  [ErrorCode.INCIDENT_NOT_FOUND]: {
    code: ErrorCode.INCIDENT_NOT_FOUND,
    kind: 'client',
    status: 404,
    message: 'No incident with that id',
  },
  [ErrorCode.INCIDENT_PREFLIGHT_REQUIRED]: {
    code: ErrorCode.INCIDENT_PREFLIGHT_REQUIRED,
    kind: 'client',
    status: 400,
    message:
      'A POST to /admin/incidents needs content-type application/json or the apollo-require-preflight header (CSRF)',
  },
  [ErrorCode.PREFLIGHT_REQUIRED]: {
    code: ErrorCode.PREFLIGHT_REQUIRED,
    kind: 'client',
    status: 400,
    message:
      'A state-changing request to /admin/* or /console/api/* needs a non-simple content type such as application/json, or the apollo-require-preflight header (CSRF)',
  },
  [ErrorCode.GRANT_INVALID]: {
    code: ErrorCode.GRANT_INVALID,
    kind: 'startup',
    status: null,
    message: 'A grant file is expired, unsigned or tampered with: it is ignored, and the reason logged',
  },
  [ErrorCode.MCP_UNKNOWN_TOOL]: {
    code: ErrorCode.MCP_UNKNOWN_TOOL,
    kind: 'client',
    status: 404,
    message: 'No MCP tool of that name (tools/list lists them)',
  },
  [ErrorCode.MCP_INVALID_ARGUMENTS]: {
    code: ErrorCode.MCP_INVALID_ARGUMENTS,
    kind: 'client',
    status: 400,
    message: "The tool's arguments do not match its input schema",
  },
  [ErrorCode.MCP_TOOL_DISABLED]: {
    code: ErrorCode.MCP_TOOL_DISABLED,
    kind: 'client',
    status: 403,
    message:
      'execute_graphql is off (MCP_EXECUTE_GRAPHQL=on turns it on); the published operations are tools',
  },
  [ErrorCode.MCP_UNKNOWN_RESOURCE]: {
    code: ErrorCode.MCP_UNKNOWN_RESOURCE,
    kind: 'client',
    status: 404,
    message: 'No MCP resource with that URI (resources/list lists them)',
  },
  [ErrorCode.MCP_SESSION_REQUIRED]: {
    code: ErrorCode.MCP_SESSION_REQUIRED,
    kind: 'client',
    status: 400,
    message: 'No mcp-session-id header: send initialize first',
  },
  [ErrorCode.MCP_SESSION_NOT_FOUND]: {
    code: ErrorCode.MCP_SESSION_NOT_FOUND,
    kind: 'client',
    status: 404,
    message: 'The MCP session is gone (closed, idle too long, or the gateway restarted): initialize again',
  },
  [ErrorCode.MCP_SESSION_FORBIDDEN]: {
    code: ErrorCode.MCP_SESSION_FORBIDDEN,
    kind: 'client',
    status: 403,
    message: 'The MCP session belongs to another principal',
  },
} as const satisfies ErrorCatalogue;

type Catalogue = typeof ERROR_CATALOGUE;

/** The codes with an HTTP status (every kind but `startup`): the compiler refuses `httpStatusOf` any other. */
export type HttpErrorCode = {
  [C in ErrorCode]: Catalogue[C] extends { readonly status: number } ? C : never;
}[ErrorCode];

/** The HTTP status the gateway answers with when an error with `code` refuses the request. */
export function httpStatusOf(code: HttpErrorCode): number {
  return ERROR_CATALOGUE[code].status;
}

/** The default message of `code`, for a call site with nothing more specific to say. */
export function messageOf(code: ErrorCode): string {
  return ERROR_CATALOGUE[code].message;
}

/** The entries as a list of the general type, for code that goes through them all. */
export const ERROR_SPECS: readonly ErrorSpec[] = Object.values(ERROR_CATALOGUE);

/** Codes of a request refused before it ran (lineage outcome `rejected`): Apollo's and meshgate's own. */
export const REQUEST_REFUSAL_CODES: ReadonlySet<string> = new Set(
  ERROR_SPECS.filter((e) => e.kind === 'refusal').map((e) => e.code),
);

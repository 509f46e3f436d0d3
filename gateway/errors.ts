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
  // Anything else; its details are masked outside development.
  INTERNAL_SERVER_ERROR = 'INTERNAL_SERVER_ERROR',
}

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

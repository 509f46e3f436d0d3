import { GraphQLError } from 'graphql';
import { ErrorCode, httpStatusOf, type HttpErrorCode } from './error-catalogue.js';

// A caller needs the codes wherever it needs the classes: one module to import from.
export * from './error-catalogue.js';

/** An error a GraphQL client sees; `extensions.code` is always set. */
export class MeshgateGraphQLError extends GraphQLError {
  constructor(code: ErrorCode, message: string, extensions: Record<string, unknown> = {}) {
    super(message, { extensions: { ...extensions, code } });
  }
}

/**
 * `extensions.http` for an error that refuses the whole request: Apollo Server answers with
 * the code's status from the catalogue and these headers. Never for an error that can sit in
 * a partial response: it would turn a 200 into an error response, and a subgraph's data into
 * a failed fetch for the gateway.
 */
export function httpExtension(
  code: HttpErrorCode,
  headers: Readonly<Record<string, string>> = {},
): { status: number; headers: Map<string, string> } {
  return { status: httpStatusOf(code), headers: new Map(Object.entries(headers)) };
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

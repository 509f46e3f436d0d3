import type { GraphQLFormattedError } from 'graphql';
import { ErrorCode } from '../common/errors.js';

type FormatError = (formatted: GraphQLFormattedError, error: unknown) => GraphQLFormattedError;

/** graphql-js's message when `parse(..., { maxTokens })` stops (16.x spells it "more that"). */
const TOO_MANY_TOKENS = /Document contains more (?:than|that) (\d+) tokens/;

/**
 * Apollo Server wraps validation and parse errors, replacing their code with
 * GRAPHQL_VALIDATION_FAILED / GRAPHQL_PARSE_FAILED. A limit's own code is what a client
 * documents against, so this restores it: from the rule's error (kept as `originalError`),
 * TOKEN_LIMIT_EXCEEDED for graphql-js's token-limit syntax error, and BAD_REQUEST for
 * codeless 4xx errors. Then the wrapped
 * formatter (masking) runs.
 */
export function withLimitCodes(format: FormatError): FormatError {
  return (formatted, error) => format(restoreCode(formatted, error), error);
}

function restoreCode(formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError {
  const code = formatted.extensions?.code;
  // Apollo Server's own codeless 4xx errors ("provided sha does not match query", "Unsupported
  // persisted query version") default to INTERNAL_SERVER_ERROR, which masking would hide: a
  // client's mistake is BAD_REQUEST.
  const status = (error as { extensions?: { http?: { status?: unknown } } } | null)?.extensions?.http?.status;
  if (
    code === ErrorCode.INTERNAL_SERVER_ERROR &&
    typeof status === 'number' &&
    status >= 400 &&
    status < 500
  ) {
    return { ...formatted, extensions: { ...formatted.extensions, code: ErrorCode.BAD_REQUEST } };
  }
  if (code === ErrorCode.GRAPHQL_VALIDATION_FAILED) {
    const original = (error as { originalError?: { extensions?: { code?: unknown } } } | null)?.originalError
      ?.extensions?.code;
    if (typeof original === 'string' && LIMIT_CODES.has(original))
      return { ...formatted, extensions: { ...formatted.extensions, code: original } };
  }
  if (code === ErrorCode.GRAPHQL_PARSE_FAILED) {
    const match = TOO_MANY_TOKENS.exec(formatted.message);
    if (match)
      return {
        ...formatted,
        extensions: {
          ...formatted.extensions,
          code: ErrorCode.TOKEN_LIMIT_EXCEEDED,
          maxTokens: Number(match[1]),
        },
      };
  }
  return formatted;
}

const LIMIT_CODES = new Set<string>([
  ErrorCode.DEPTH_LIMIT_EXCEEDED,
  ErrorCode.ALIAS_LIMIT_EXCEEDED,
  ErrorCode.ROOT_FIELD_LIMIT_EXCEEDED,
  ErrorCode.COST_LIMIT_EXCEEDED,
]);

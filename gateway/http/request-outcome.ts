import type { GraphQLResponse } from '@apollo/server';
import type { GraphQLError } from 'graphql';
import { ErrorCode, REQUEST_REFUSAL_CODES, httpStatusOf } from '../common/errors.js';
import { memoByObject } from '../common/memo-by-object.js';
import type { Outcome } from '../common/types.js';

/**
 * How one request ended, decided once and read by every stage that reports on it: the
 * lineage event and the request log and metrics. (They each had their own rules, and a 400
 * BAD_USER_INPUT was `error` in lineage but `rejected` in metrics.)
 */
export interface RequestOutcome {
  readonly outcome: Outcome;
  readonly httpStatus: number;
  /** The response carries data (possibly null): the operation ran. */
  readonly executed: boolean;
  /** `extensions.code` of each error, in order. */
  readonly errorCodes: readonly string[];
}

/**
 * - ok: no errors, not an error status;
 * - rejected: refused before it ran: a 4xx (parse, validation, variables, limits, 401/403,
 *   safelist, rate limit), or a refusal Apollo answers with 200 (an unknown APQ hash);
 * - error: a 5xx, or the operation did not produce data;
 * - partial: data with errors.
 */
export function classifyOutcome(
  httpStatus: number,
  executed: boolean,
  hasData: boolean,
  errorCodes: readonly string[],
): Outcome {
  if (errorCodes.length === 0 && httpStatus < 400) return 'ok';
  if (httpStatus >= 500) return 'error';
  if (httpStatus >= 400) return 'rejected';
  if (!executed) return errorCodes.some((code) => REQUEST_REFUSAL_CODES.has(code)) ? 'rejected' : 'error';
  return hasData ? 'partial' : 'error';
}

/** The outcome of a response; computed once per response object, whichever stage asks first. */
export const outcomeOfResponse = memoByObject((response: GraphQLResponse): RequestOutcome => {
  const { body } = response;
  const result = body.kind === 'single' ? body.singleResult : body.initialResult;
  const errorCodes = (result.errors ?? []).map((e) =>
    String(e.extensions?.code ?? ErrorCode.INTERNAL_SERVER_ERROR),
  );
  const httpStatus = response.http.status ?? 200;
  const executed = 'data' in result && result.data !== undefined;
  return {
    outcome: classifyOutcome(httpStatus, executed, result.data != null, errorCodes),
    httpStatus,
    executed,
    errorCodes,
  };
});

/**
 * A request Apollo refused before it had a context or an operation (authentication in the
 * context function, a malformed HTTP request). Apollo answers an error without an HTTP
 * status with 500 and INTERNAL_SERVER_ERROR, so that is what it is counted as.
 */
export function outcomeOfRefusal(error: Error): RequestOutcome {
  const extensions = (error as Partial<GraphQLError>).extensions ?? {};
  const httpStatus =
    (extensions.http as { status?: number } | undefined)?.status ??
    httpStatusOf(ErrorCode.INTERNAL_SERVER_ERROR);
  const errorCodes = [String(extensions.code ?? ErrorCode.INTERNAL_SERVER_ERROR)];
  return {
    outcome: classifyOutcome(httpStatus, false, false, errorCodes),
    httpStatus,
    executed: false,
    errorCodes,
  };
}

import type { GraphQLRequestContextWillSendResponse } from '@apollo/server';
import type { GatewayContext } from '../http/context.js';
import { outcomeOfRefusal, outcomeOfResponse } from '../http/request-outcome.js';
import type { RequestSummary } from './types.js';

/** What the log and the metrics need from a finished request. */
export function summarize(rc: GraphQLRequestContextWillSendResponse<GatewayContext>): RequestSummary {
  const { outcome, httpStatus, errorCodes } = outcomeOfResponse(rc.response);
  const context: Partial<GatewayContext> = rc.contextValue;
  return {
    requestId: context.requestId,
    operation: rc.operation?.name?.value ?? rc.operationName ?? null,
    outcome,
    status: httpStatus,
    durationMs:
      context.startedAt === undefined ? undefined : Number(process.hrtime.bigint() - context.startedAt) / 1e6,
    errorCodes,
  };
}

/** A request Apollo refused before it had an operation, as the log and the metrics see it. */
export function summarizeRefusal(error: Error): RequestSummary {
  const { outcome, httpStatus, errorCodes } = outcomeOfRefusal(error);
  return {
    requestId: undefined,
    operation: null,
    outcome,
    status: httpStatus,
    durationMs: undefined,
    errorCodes,
  };
}

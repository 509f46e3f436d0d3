import type { GraphQLRequestContextWillSendResponse } from '@apollo/server';
import { ErrorCode } from '../common/errors.js';
import type { GatewayContext } from '../http/context.js';
import type { Outcome } from '../common/types.js';
import type { RequestSummary } from './types.js';

/**
 * ok: no errors; rejected: refused with a 4xx (parse, validation, limits, 401/403, safelist,
 * rate limit); error: a 5xx, or executed without data; partial: data with errors.
 */
export function outcomeOf(status: number, executed: boolean, hasData: boolean, errorCount: number): Outcome {
  if (errorCount === 0 && status < 400) return 'ok';
  if (status >= 400 && status < 500) return 'rejected';
  if (status >= 500 || !executed || !hasData) return 'error';
  return 'partial';
}

/** What the log and the metrics need from a finished request. */
export function summarize(rc: GraphQLRequestContextWillSendResponse<GatewayContext>): RequestSummary {
  const body = rc.response.body;
  const result = body.kind === 'single' ? body.singleResult : body.initialResult;
  const errorCodes = (result.errors ?? []).map((e) =>
    String(e.extensions?.code ?? ErrorCode.INTERNAL_SERVER_ERROR),
  );
  const status = rc.response.http.status ?? 200;
  const context: Partial<GatewayContext> = rc.contextValue;
  return {
    requestId: context.requestId,
    operation: rc.operation?.name?.value ?? rc.operationName ?? null,
    outcome: outcomeOf(status, 'data' in result, result.data != null, errorCodes.length),
    status,
    durationMs:
      context.startedAt === undefined ? undefined : Number(process.hrtime.bigint() - context.startedAt) / 1e6,
    errorCodes,
  };
}

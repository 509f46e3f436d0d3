import type { Answer } from '../pipeline/types.js';
import type { RequestState } from '../pipeline/request-state.js';
import type { RequestSummary } from './types.js';

/** What the log and the metrics need from a finished request, or one refused before it had a response. */
export function summarize(state: RequestState, answer: Answer): RequestSummary {
  const { outcome, httpStatus, errorCodes } = answer.outcome;
  const answered = answer.response !== null;
  return {
    requestId: answered ? state.requestId : undefined,
    operation: answer.operation?.name ?? answer.operationName,
    outcome,
    status: httpStatus,
    durationMs: answered ? Number(process.hrtime.bigint() - state.startedAt) / 1e6 : undefined,
    errorCodes,
  };
}

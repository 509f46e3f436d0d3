import { describe, expect, it } from 'vitest';
import { outcomeOf } from './event.js';

const summary = (
  errorCodes: string[],
  executed: boolean,
  httpStatus: number | undefined,
  dataIsNull = !executed,
) => ({
  errorCodes,
  executed,
  httpStatus,
  dataIsNull,
});

describe('the outcome a lineage event records', () => {
  it('is rejected for a request refused before it ran: parse, limits, tokens, rate limits', () => {
    for (const code of [
      'GRAPHQL_PARSE_FAILED',
      'DEPTH_LIMIT_EXCEEDED',
      'COST_LIMIT_EXCEEDED',
      'RATE_LIMITED',
      'OPERATION_NOT_IN_SAFELIST',
    ]) {
      expect(outcomeOf(summary([code], false, 400))).toBe('rejected');
    }
    expect(outcomeOf(summary(['TOKEN_INVALID'], false, 401))).toBe('rejected');
  });

  it('is ok, partial or error for an operation that ran', () => {
    expect(outcomeOf(summary([], true, 200))).toBe('ok');
    expect(outcomeOf(summary(['SUBGRAPH_UNAVAILABLE'], true, 200))).toBe('partial');
    expect(outcomeOf(summary(['SUBGRAPH_UNAVAILABLE'], true, 200, true))).toBe('error');
  });
});

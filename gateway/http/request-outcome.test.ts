import type { GraphQLResponse } from '@apollo/server';
import { HeaderMap } from '@apollo/server';
import { GraphQLError } from 'graphql';
import { describe, expect, it } from 'vitest';
import { classifyOutcome, outcomeOfRefusal, outcomeOfResponse } from './request-outcome.js';

const response = (status: number | undefined, result: Record<string, unknown>): GraphQLResponse => ({
  http: { ...(status === undefined ? {} : { status }), headers: new HeaderMap() },
  body: { kind: 'single', singleResult: result },
});
const errors = (...codes: string[]) => codes.map((code) => ({ message: code, extensions: { code } }));

describe('the one outcome of a request (read by lineage and by metrics)', () => {
  it('is rejected for a request refused before it ran: parse, variables, limits, tokens, rate limits', () => {
    for (const code of [
      'GRAPHQL_PARSE_FAILED',
      'BAD_USER_INPUT', // a variable of the wrong type: Apollo answers 400 before execution
      'DEPTH_LIMIT_EXCEEDED',
      'COST_LIMIT_EXCEEDED',
      'OPERATION_NOT_IN_SAFELIST',
    ]) {
      expect(outcomeOfResponse(response(400, { errors: errors(code) })).outcome).toBe('rejected');
    }
    expect(outcomeOfResponse(response(429, { errors: errors('RATE_LIMITED') })).outcome).toBe('rejected');
    // Apollo answers an unknown APQ hash with 200; it ran nothing all the same.
    expect(outcomeOfResponse(response(200, { errors: errors('PERSISTED_QUERY_NOT_FOUND') })).outcome).toBe(
      'rejected',
    );
  });

  it('is ok, partial or error for an operation that ran', () => {
    expect(outcomeOfResponse(response(undefined, { data: { a: 1 } }))).toEqual({
      outcome: 'ok',
      httpStatus: 200,
      executed: true,
      errorCodes: [],
    });
    expect(
      outcomeOfResponse(response(200, { data: { a: 1 }, errors: errors('SUBGRAPH_UNAVAILABLE') })).outcome,
    ).toBe('partial');
    expect(
      outcomeOfResponse(response(200, { data: null, errors: errors('SUBGRAPH_UNAVAILABLE') })).outcome,
    ).toBe('error');
    expect(outcomeOfResponse(response(500, { errors: [{ message: 'boom' }] }))).toEqual({
      outcome: 'error',
      httpStatus: 500,
      executed: false,
      errorCodes: ['INTERNAL_SERVER_ERROR'],
    });
  });

  it('is computed once per response, so every stage reads the same object', () => {
    const r = response(200, { data: { a: 1 } });
    expect(outcomeOfResponse(r)).toBe(outcomeOfResponse(r));
  });

  it('takes a refusal without an HTTP status as the 500 Apollo answers it with', () => {
    expect(outcomeOfRefusal(new Error('context function threw'))).toEqual({
      outcome: 'error',
      httpStatus: 500,
      executed: false,
      errorCodes: ['INTERNAL_SERVER_ERROR'],
    });
    const unauthenticated = new GraphQLError('no', {
      extensions: { code: 'UNAUTHENTICATED', http: { status: 401 } },
    });
    expect(outcomeOfRefusal(unauthenticated).outcome).toBe('rejected');
    expect(classifyOutcome(401, false, false, ['TOKEN_INVALID'])).toBe('rejected');
  });
});

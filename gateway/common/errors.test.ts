import { readFileSync } from 'node:fs';
import { ApolloServerErrorCode } from '@apollo/server/errors';
import { describe, expect, it } from 'vitest';
import {
  ERROR_CATALOGUE,
  ERROR_SPECS,
  ErrorCode,
  REQUEST_REFUSAL_CODES,
  httpExtension,
  httpStatusOf,
  messageOf,
} from './errors.js';

const codes = Object.values(ErrorCode);

describe('the error catalogue', () => {
  it('has an entry for every code, under its own name', () => {
    expect(Object.keys(ERROR_CATALOGUE).sort()).toEqual([...codes].sort());
    for (const code of codes) {
      const entry = ERROR_CATALOGUE[code];
      expect(entry.code).toBe(code);
      expect(entry.message.length).toBeGreaterThan(0);
      // Start-up codes end the process; every other one is an HTTP answer.
      if (entry.kind === 'startup') expect(entry.status).toBeNull();
      else expect(entry.status).toBeGreaterThanOrEqual(200);
    }
  });

  it('gives the statuses the gateway answers with', () => {
    expect(httpStatusOf(ErrorCode.RATE_LIMITED)).toBe(429);
    expect(httpStatusOf(ErrorCode.PAYLOAD_TOO_LARGE)).toBe(413);
    expect(httpStatusOf(ErrorCode.UNSUPPORTED_MEDIA_TYPE)).toBe(415);
    expect(httpStatusOf(ErrorCode.TOKEN_INVALID)).toBe(401);
    expect(httpStatusOf(ErrorCode.UNAUTHENTICATED)).toBe(401);
    expect(httpStatusOf(ErrorCode.GRAPHQL_PARSE_FAILED)).toBe(400);
    expect(httpStatusOf(ErrorCode.GRAPHQL_VALIDATION_FAILED)).toBe(400);
    expect(httpStatusOf(ErrorCode.BAD_REQUEST)).toBe(400);
    expect(httpStatusOf(ErrorCode.OPERATION_RESOLUTION_FAILURE)).toBe(400);
    expect(httpStatusOf(ErrorCode.BAD_USER_INPUT)).toBe(400);
    expect(httpStatusOf(ErrorCode.MALFORMED_REQUEST)).toBe(400);
    expect(httpStatusOf(ErrorCode.BATCH_LIMIT_EXCEEDED)).toBe(400);
    expect(httpStatusOf(ErrorCode.DEPTH_LIMIT_EXCEEDED)).toBe(400);
    expect(httpStatusOf(ErrorCode.OPERATION_NOT_IN_SAFELIST)).toBe(400);
    expect(httpStatusOf(ErrorCode.UNAUTHORIZED_FIELD_OR_TYPE)).toBe(403);
    expect(httpStatusOf(ErrorCode.CATALOG_FORBIDDEN)).toBe(403);
    expect(httpStatusOf(ErrorCode.LINEAGE_FORBIDDEN)).toBe(403);
    expect(httpStatusOf(ErrorCode.CONTEXT_TOKEN_INVALID)).toBe(401);
    expect(httpStatusOf(ErrorCode.UNKNOWN_SUBGRAPH)).toBe(404);
    expect(httpStatusOf(ErrorCode.SUBGRAPH_UNAVAILABLE)).toBe(503);
    expect(httpStatusOf(ErrorCode.INTERNAL_SERVER_ERROR)).toBe(500);
    expect(ERROR_CATALOGUE[ErrorCode.POLICY_INVALID].status).toBeNull();
    // @ts-expect-error a start-up code has no HTTP status to ask for
    expect(httpStatusOf(ErrorCode.CONFIG_INVALID)).toBeNull();
  });

  it("answers a missed persisted query with 200, as Apollo Server's APQ protocol does", () => {
    expect(httpStatusOf(ErrorCode.PERSISTED_QUERY_NOT_FOUND)).toBe(200);
    expect(httpStatusOf(ErrorCode.PERSISTED_QUERY_NOT_SUPPORTED)).toBe(200);
  });

  it("spells Apollo Server's codes as Apollo Server does", () => {
    const apollo = ERROR_SPECS.filter((e) => e.apollo === true).map((e) => e.code);
    expect(apollo.sort()).toEqual(Object.values(ApolloServerErrorCode).sort());
  });

  it('keeps the default messages clients already see', () => {
    expect(messageOf(ErrorCode.INTERNAL_SERVER_ERROR)).toBe('Internal server error');
    expect(messageOf(ErrorCode.PAYLOAD_TOO_LARGE)).toBe('Request body is too large');
    expect(messageOf(ErrorCode.UNSUPPORTED_MEDIA_TYPE)).toBe(
      'Unsupported content type: send application/json',
    );
    expect(messageOf(ErrorCode.MALFORMED_REQUEST)).toBe('Malformed request');
    expect(messageOf(ErrorCode.OPERATION_NOT_IN_SAFELIST)).toBe('Operation is not in the published safelist');
    expect(messageOf(ErrorCode.UNAUTHENTICATED)).toBe(
      'Authentication required: send Authorization: Bearer <token>',
    );
  });

  it('builds extensions.http from the catalogue', () => {
    expect(httpExtension(ErrorCode.RATE_LIMITED, { 'retry-after': '3' })).toEqual({
      status: 429,
      headers: new Map([['retry-after', '3']]),
    });
    expect(httpExtension(ErrorCode.OPERATION_RESOLUTION_FAILURE)).toEqual({
      status: 400,
      headers: new Map(),
    });
  });
});

/** Apollo Server's own codes for a request refused before it ran, as the catalogue marks them. */
const APOLLO_REQUEST_ERROR_CODES = ERROR_SPECS.filter((e) => e.kind === 'refusal' && e.apollo === true).map(
  (e) => e.code,
);

describe('the codes derived from the catalogue', () => {
  it("lists Apollo Server's codes for a request refused before it ran", () => {
    expect(APOLLO_REQUEST_ERROR_CODES).toEqual([
      'GRAPHQL_PARSE_FAILED',
      'GRAPHQL_VALIDATION_FAILED',
      'BAD_REQUEST',
      'PERSISTED_QUERY_NOT_FOUND',
      'PERSISTED_QUERY_NOT_SUPPORTED',
      'OPERATION_RESOLUTION_FAILURE',
    ]);
  });

  it('counts as refusals exactly the codes of a request refused before it ran', () => {
    expect([...REQUEST_REFUSAL_CODES].sort()).toEqual(
      [
        ...APOLLO_REQUEST_ERROR_CODES,
        'UNAUTHENTICATED',
        'TOKEN_INVALID',
        'IDENTITY_PROVIDER_UNAVAILABLE',
        'DEPTH_LIMIT_EXCEEDED',
        'ALIAS_LIMIT_EXCEEDED',
        'ROOT_FIELD_LIMIT_EXCEEDED',
        'TOKEN_LIMIT_EXCEEDED',
        'COST_LIMIT_EXCEEDED',
        'BATCH_LIMIT_EXCEEDED',
        'PAYLOAD_TOO_LARGE',
        'MALFORMED_REQUEST',
        'UNSUPPORTED_MEDIA_TYPE',
        'RATE_LIMITED',
        'OPERATION_NOT_IN_SAFELIST',
        'QUERY_PLANNING_TIMEOUT',
      ].sort(),
    );
    // @apollo/gateway gives a subgraph's 403 the code FORBIDDEN, but SubgraphDataSource turns every
    // failed fetch into SUBGRAPH_UNAVAILABLE: no client sees it. A 403 counts as rejected by its status.
    expect(REQUEST_REFUSAL_CODES.has('FORBIDDEN')).toBe(false);
    // A mistake found while running, or in a partial response, is not a refusal.
    expect(REQUEST_REFUSAL_CODES.has(ErrorCode.BAD_USER_INPUT)).toBe(false);
    expect(REQUEST_REFUSAL_CODES.has(ErrorCode.UNAUTHORIZED_FIELD_OR_TYPE)).toBe(false);
    expect(REQUEST_REFUSAL_CODES.has(ErrorCode.INTERNAL_SERVER_ERROR)).toBe(false);
  });
});

describe("README.md's error-code table", () => {
  const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
  const anchor = 'Every error code meshgate uses is in `gateway/common/errors.ts`.';

  /** The rows of the first `| code | HTTP status | meaning |` table after the anchor line. */
  function documented(): Map<string, number | null> {
    const lines = readme.slice(readme.indexOf(anchor)).split('\n');
    const header = lines.findIndex((l) => /^\|\s*code\s*\|\s*HTTP status\s*\|\s*meaning\s*\|$/.test(l));
    expect(header, 'the table after the anchor line').toBeGreaterThan(0);
    const rows = new Map<string, number | null>();
    for (const line of lines.slice(header + 2)) {
      if (!line.startsWith('|')) break;
      const [code, status] = line
        .split('|')
        .slice(1, 3)
        .map((cell) => cell.trim());
      const name = /^`([A-Z_]+)`$/.exec(code ?? '')?.[1];
      expect(name, line).toBeDefined();
      expect(rows.has(name!), `${name} twice`).toBe(false);
      rows.set(name!, status === '—' ? null : Number(status));
    }
    return rows;
  }

  it('follows the line that points at the catalogue', () => {
    expect(readme).toContain(anchor);
  });

  it("lists exactly the catalogue's codes, with the catalogue's statuses", () => {
    const rows = documented();
    expect([...rows.keys()].sort()).toEqual([...codes].sort());
    for (const code of codes) expect(rows.get(code), code).toBe(ERROR_CATALOGUE[code].status);
  });
});

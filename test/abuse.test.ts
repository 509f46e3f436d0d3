import { writeFileSync } from 'node:fs';
import jwt from 'jsonwebtoken';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXAMPLE_QUERY } from '../gateway/cli/example-query.js';
import type { RunningGateway } from '../gateway/server.js';
import { sharedMesh } from './support/mesh.js';
import { personaToken } from './support/personas.js';
import { ERROR_LEVEL, captureLogger, opsGateway, post } from './support/ops.js';
import { ORDERS_PAGE } from './support/queries.js';

/**
 * The bad-input corpus: each input gets its documented 4xx status and error code, the server
 * stays up, and none of it is logged at error level (a client's mistake is not the server's).
 */
const LIMITS = {
  MAX_DEPTH: '8',
  MAX_ALIASES: '20',
  MAX_ROOT_FIELDS: '5',
  MAX_TOKENS: '2000',
  MAX_COST: '2000',
  MAX_BODY_BYTES: '32768',
  MAX_BATCH: '3',
};
const json = { 'content-type': 'application/json' };
const body = (query: string, extra: Record<string, unknown> = {}) => JSON.stringify({ query, ...extra });

/** customer → orders → order → customer → ..., `cycles` times: 4 levels per cycle. */
function deepQuery(cycles: number): string {
  let inner = 'name';
  for (let i = 0; i < cycles; i++) inner = `customer { orders(first: 1) { edges { node { id ${inner} } } } }`;
  return `{ order(id: "42") { ${inner} } }`;
}

interface Case {
  input: string;
  send: (url: string) => Promise<{
    status: number;
    json: { errors?: { extensions?: Record<string, unknown> }[] } | null;
    headers: Headers;
  }>;
  status: number;
  code: string;
}

const CASES: Case[] = [
  {
    input: 'malformed JSON body',
    send: (url) => post(url, '{"query": "{ __typename }"'),
    status: 400,
    code: 'MALFORMED_REQUEST',
  },
  { input: 'empty JSON body', send: (url) => post(url, ''), status: 400, code: 'MALFORMED_REQUEST' },
  {
    input: 'binary garbage as JSON',
    send: (url) => post(url, new Uint8Array([0xff, 0xfe, 0x00, 0x7b, 0x80])),
    status: 400,
    code: 'MALFORMED_REQUEST',
  },
  {
    input: 'JSON that is not an object (42)',
    send: (url) => post(url, '42'),
    status: 400,
    code: 'BAD_REQUEST',
  },
  {
    input: 'content-type application/xml',
    send: (url) => post(url, '<query/>', { 'content-type': 'application/xml' }),
    status: 415,
    code: 'UNSUPPORTED_MEDIA_TYPE',
  },
  {
    input: 'text/plain POST (CSRF simple request)',
    send: (url) => post(url, body('{ __typename }'), { 'content-type': 'text/plain' }),
    status: 400,
    code: 'BAD_REQUEST',
  },
  {
    input: 'GET without a preflight header (CSRF)',
    send: (url) => get(url, {}),
    status: 400,
    code: 'BAD_REQUEST',
  },
  {
    input: 'mutation over GET (the mesh has no mutations)',
    send: (url) => get(url, { 'apollo-require-preflight': 'true' }, 'mutation { __typename }'),
    status: 400,
    code: 'GRAPHQL_VALIDATION_FAILED',
  },
  {
    input: 'GET with a preflight header (allowed)',
    send: (url) => get(url, { 'apollo-require-preflight': 'true' }),
    status: 200,
    code: 'undefined',
  },
  {
    input: 'body over MAX_BODY_BYTES (40 KB)',
    send: (url) => post(url, body(`{ __typename }${' '.repeat(40_000)}`)),
    status: 413,
    code: 'PAYLOAD_TOO_LARGE',
  },
  {
    input: 'query without a query',
    send: (url) => post(url, JSON.stringify({ variables: {} })),
    status: 400,
    code: 'BAD_REQUEST',
  },
  {
    input: 'syntax error',
    send: (url) => post(url, body('{ order(id: "42" { id }')),
    status: 400,
    code: 'GRAPHQL_PARSE_FAILED',
  },
  {
    input: 'unknown field',
    send: (url) => post(url, body('{ order(id: "42") { nope } }')),
    status: 400,
    code: 'GRAPHQL_VALIDATION_FAILED',
  },
  {
    input: 'deep query (depth 10 > 8)',
    send: (url) => post(url, body(deepQuery(2))),
    status: 400,
    code: 'DEPTH_LIMIT_EXCEEDED',
  },
  {
    input: 'alias bomb (100 aliases)',
    send: (url) =>
      post(
        url,
        body(`{ customer(id: "7") { ${Array.from({ length: 100 }, (_, i) => `n${i}: name`).join(' ')} } }`),
      ),
    status: 400,
    code: 'ALIAS_LIMIT_EXCEEDED',
  },
  {
    input: 'fragment bomb (2^20 expansions)',
    send: (url) => post(url, body(fragmentBomb(20))),
    status: 400,
    code: 'COST_LIMIT_EXCEEDED',
  },
  {
    input: 'too many root fields (6 > 5)',
    send: (url) =>
      post(
        url,
        body(
          `{ ${Array.from({ length: 6 }, (_, i) => `c${i}: customer(id: "${i + 1}") { name }`).join(' ')} }`,
        ),
      ),
    status: 400,
    code: 'ROOT_FIELD_LIMIT_EXCEEDED',
  },
  {
    input: 'token flood (3,000 tokens > 2,000)',
    send: (url) => post(url, body(`{ customer(id: "7") { ${'name '.repeat(3_000)} } }`)),
    status: 400,
    code: 'TOKEN_LIMIT_EXCEEDED',
  },
  {
    input: 'expensive query (cost 10,101 > 2,000)',
    send: (url) =>
      post(
        url,
        body('{ customers(first: 100) { edges { node { orders(first: 100) { edges { node { id } } } } } } }'),
      ),
    status: 400,
    code: 'COST_LIMIT_EXCEEDED',
  },
  {
    input: 'variable of the wrong type',
    send: (url) => post(url, body(ORDERS_PAGE, { variables: { first: 'ten' } })),
    status: 400,
    code: 'BAD_USER_INPUT',
  },
  {
    input: 'missing required variable',
    send: (url) => post(url, body(ORDERS_PAGE, { variables: {} })),
    status: 400,
    code: 'BAD_USER_INPUT',
  },
  {
    input: 'variables not an object',
    send: (url) => post(url, body(ORDERS_PAGE, { variables: 'first=1' })),
    status: 400,
    code: 'BAD_REQUEST',
  },
  {
    input: 'batch of 5 operations (> 3)',
    send: (url) => post(url, JSON.stringify(Array.from({ length: 5 }, () => ({ query: '{ __typename }' })))),
    status: 400,
    code: 'BATCH_LIMIT_EXCEEDED',
  },
  {
    input: "APQ hash that is not the query's",
    send: (url) =>
      post(
        url,
        body('{ __typename }', {
          extensions: { persistedQuery: { version: 1, sha256Hash: 'a'.repeat(64) } },
        }),
      ),
    status: 400,
    code: 'BAD_REQUEST',
  },
  {
    input: 'APQ unknown version',
    send: (url) =>
      post(
        url,
        body('{ __typename }', {
          extensions: { persistedQuery: { version: 2, sha256Hash: 'a'.repeat(64) } },
        }),
      ),
    status: 400,
    code: 'BAD_REQUEST',
  },
  {
    input: 'bearer token that is not a JWT',
    send: (url) => post(url, body('{ __typename }'), { ...json, authorization: 'Bearer not.a.jwt' }),
    status: 401,
    code: 'TOKEN_INVALID',
  },
  {
    input: 'bearer token with bad characters',
    send: (url) => post(url, body('{ __typename }'), { ...json, authorization: 'Bearer <script>' }),
    status: 401,
    code: 'TOKEN_INVALID',
  },
  {
    input: 'JWT signed with another key',
    send: (url) =>
      post(url, body('{ __typename }'), {
        ...json,
        authorization: `Bearer ${jwt.sign({ sub: 'eve' }, 'x'.repeat(32), { issuer: 'meshgate', audience: 'meshgate' })}`,
      }),
    status: 401,
    code: 'TOKEN_INVALID',
  },
  {
    input: 'JWT with alg none',
    send: (url) =>
      post(url, body('{ __typename }'), {
        ...json,
        authorization: `Bearer ${unsigned({ sub: 'eve', iss: 'meshgate', aud: 'meshgate' })}`,
      }),
    status: 401,
    code: 'TOKEN_INVALID',
  },
  {
    input: 'JWT with a tampered payload',
    send: (url) =>
      post(url, body('{ __typename }'), {
        ...json,
        authorization: `Bearer ${tampered(personaToken('analyst'))}`,
      }),
    status: 401,
    code: 'TOKEN_INVALID',
  },
];

function get(url: string, headers: Record<string, string>, query = '{ __typename }') {
  return fetch(`${url}?query=${encodeURIComponent(query)}`, { headers }).then(async (r) => ({
    status: r.status,
    headers: r.headers,
    json: (await r.json()) as { errors?: { extensions?: Record<string, unknown> }[] },
  }));
}

/** F0 spreads F1 twice, F1 spreads F2 twice, ...: 2^depth fields from a few hundred bytes. */
function fragmentBomb(depth: number): string {
  const fragments = Array.from(
    { length: depth },
    (_, i) => `fragment F${i} on Customer { ...F${i + 1} ...F${i + 1} }`,
  );
  return `{ customer(id: "7") { ...F0 } } ${fragments.join(' ')} fragment F${depth} on Customer { name }`;
}

function unsigned(payload: object): string {
  const part = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
  return `${part({ alg: 'none', typ: 'JWT' })}.${part(payload)}.`;
}

function tampered(token: string): string {
  const [header, payload, signature] = token.split('.') as [string, string, string];
  const claims = JSON.parse(Buffer.from(payload, 'base64url').toString()) as Record<string, unknown>;
  return `${header}.${Buffer.from(JSON.stringify({ ...claims, roles: ['data-steward'] })).toString('base64url')}.${signature}`;
}

const { logger, lines } = captureLogger();
let gateway: RunningGateway;
const table: string[] = [];
beforeAll(async () => {
  gateway = await opsGateway(await sharedMesh(), { ...LIMITS, NODE_ENV: 'production' }, logger);
});
afterAll(async () => {
  await gateway.stop();
  writeFileSync(
    '/tmp/meshgate-abuse-table.md',
    ['| input | status | code |', '|---|---|---|', ...table].join('\n') + '\n',
  );
});

describe('the bad-input corpus', () => {
  it.each(CASES)('$input → $status $code', async ({ input, send, status, code }) => {
    const response = await send(gateway.url);
    const got = String(response.json?.errors?.[0]?.extensions?.code);
    table.push(`| ${input} | ${response.status} | ${got === 'undefined' ? '— (data)' : got} |`);
    expect({ status: response.status, code: got }).toEqual({ status, code });
  });

  it('answers a batch within the limit, and the documented query', async () => {
    const batch = await post(
      gateway.url,
      JSON.stringify([{ query: '{ __typename }' }, { query: '{ customer(id: "7") { name } }' }]),
    );
    expect(batch.status).toBe(200);
    expect(batch.json).toEqual([
      { data: { __typename: 'Query' } },
      { data: { customer: { name: 'Ken Lovelace' } } },
    ]);
    const example = await post(gateway.url, body(EXAMPLE_QUERY));
    expect(example.status).toBe(200);
    expect(example.json?.errors).toBeUndefined();
  });

  it('stays up: /health answers after the corpus', async () => {
    const health = await fetch(gateway.url.replace('/graphql', '/health'));
    expect(health.status).toBe(200);
  });

  it('logs every refusal at info with its code, and nothing at error level', () => {
    const errors = lines.filter((line) => line.level >= ERROR_LEVEL);
    expect(errors).toEqual([]);
    const refusals = lines.filter((line) => line.msg === 'request' || line.msg === 'request refused');
    const codes = new Set(refusals.flatMap((line) => line.errorCodes as string[]));
    for (const { code } of CASES) if (code !== 'undefined') expect(codes).toContain(code);
  });

  it('masks nothing a client needs and leaks no stack in production', () => {
    // The corpus ran with NODE_ENV=production: no response carried a stack (checked per case by code), and no log line has one for a 4xx.
    expect(
      lines.filter(
        (line) => typeof line.status === 'number' && (line.status as number) < 500 && line.level > 30,
      ),
    ).toEqual([]);
  });
});

describe('client errors in development mode (what npm start runs)', () => {
  let dev: RunningGateway;
  beforeAll(async () => {
    dev = await opsGateway(
      await sharedMesh(),
      { ...LIMITS, NODE_ENV: 'development' },
      captureLogger().logger,
    );
  });
  afterAll(() => dev.stop());

  it('carry no server stack trace', async () => {
    const cases = [body('{ order(id: "42" { id }'), body('{ order(id: "42") { nope } }'), body(deepQuery(3))];
    for (const request of cases) {
      const response = await post(dev.url, request);
      expect(response.status).toBe(400);
      const error = response.json?.errors?.[0];
      expect(error?.extensions?.code).toMatch(
        /^(GRAPHQL_PARSE_FAILED|GRAPHQL_VALIDATION_FAILED|DEPTH_LIMIT_EXCEEDED)$/,
      );
      expect(error?.extensions).not.toHaveProperty('stacktrace');
    }
  });

  it('answer an 8 MB body sent with Node fetch with a readable 413, every time', async () => {
    const big = body(`{ __typename }${' '.repeat(8_000_000)}`);
    const statuses: Record<string, number> = {};
    for (let i = 0; i < 5; i++) {
      const response = await post(dev.url, big);
      const key = `${response.status} ${String(response.json?.errors?.[0]?.extensions?.code)}`;
      statuses[key] = (statuses[key] ?? 0) + 1;
    }
    expect(statuses).toEqual({ '413 PAYLOAD_TOO_LARGE': 5 });
    const after = await post(dev.url, body('{ __typename }'));
    expect(after.json).toEqual({ data: { __typename: 'Query' } });
  });
});

describe('rate limits per principal, in Redis', () => {
  it('answers 429 RATE_LIMITED with Retry-After beyond the budget, per principal', async () => {
    const prefix = `meshgate:test:ratelimit:${process.pid}:${Date.now()}:`;
    const limited = await opsGateway(
      await sharedMesh(),
      {
        RATE_LIMIT_POINTS: '3',
        RATE_LIMIT_WINDOW_SECONDS: '60',
        RATE_LIMIT_PREFIX: prefix,
        REDIS_URL: 'redis://127.0.0.1:6379',
      },
      logger,
    );
    try {
      const analyst = { ...json, authorization: `Bearer ${personaToken('analyst')}` };
      const statuses: number[] = [];
      for (let i = 0; i < 5; i++)
        statuses.push((await post(limited.url, body('{ __typename }'), analyst)).status);
      expect(statuses).toEqual([200, 200, 200, 429, 429]);
      const refused = await post(limited.url, body('{ __typename }'), analyst);
      expect(refused.json?.errors?.[0]?.extensions?.code).toBe('RATE_LIMITED');
      expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
      // Another principal has its own budget.
      expect(
        (
          await post(limited.url, body('{ __typename }'), {
            ...json,
            authorization: `Bearer ${personaToken('finance')}`,
          })
        ).status,
      ).toBe(200);
      // The counters live in Redis, where every replica sees them.
      const { Redis } = await import('ioredis');
      const redis = new Redis('redis://127.0.0.1:6379');
      const keys = await redis.keys(`${prefix}*`);
      expect(keys.sort()).toEqual([`${prefix}sub:ana`, `${prefix}sub:fin`]);
      await redis.del(...keys);
      redis.disconnect();
    } finally {
      await limited.stop();
    }
  });
});

describe('the console in production', () => {
  it('refuses a pasted token: no form, a POST refused with CONSOLE_TOKEN_PASTE_DISABLED, no session', async () => {
    const origin = new URL(gateway.url).origin;
    const page = await fetch(`${origin}/console/login`);
    expect(page.status).toBe(403);
    expect(await page.text()).toContain('CONSOLE_TOKEN_PASTE_DISABLED');
    // Even a well-formed post with a good token and a matching CSRF pair is refused.
    const csrf = 'c'.repeat(32);
    const posted = await fetch(`${origin}/console/login`, {
      method: 'POST',
      redirect: 'manual',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        cookie: `meshgate_login_csrf=${csrf}`,
      },
      body: new URLSearchParams({ token: personaToken('data-steward'), csrf, next: 'console' }).toString(),
    });
    expect(posted.status).toBe(403);
    expect(await posted.text()).toContain('CONSOLE_TOKEN_PASTE_DISABLED');
    expect(posted.headers.getSetCookie().some((c) => c.startsWith('meshgate_session='))).toBe(false);
  });
});

import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningGateway } from '../gateway/server.js';
import { sharedMesh } from './support/mesh.js';
import { ERROR_LEVEL, captureLogger, opsGateway, post } from './support/ops.js';

/**
 * Random bytes and random operations never get a 5xx (bounded: a fixed number of runs with a
 * fixed seed, so a failure replays).
 */
const { logger, lines } = captureLogger();
let gateway: RunningGateway;
beforeAll(async () => {
  gateway = await opsGateway(await sharedMesh(), { NODE_ENV: 'production', MAX_BODY_BYTES: '65536' }, logger);
});
afterAll(async () => {
  await gateway.stop();
});

const CONTENT_TYPES = [
  'application/json',
  'application/json; charset=utf-8',
  'text/plain',
  'application/graphql',
  'multipart/form-data; boundary=x',
  'application/x-www-form-urlencoded',
  '',
];
const FIELDS = [
  'order(id: "42")',
  'customer(id: "7")',
  'customers(first: 3)',
  'products',
  'product(sku: "SKU-1")',
  'categories',
  'edges',
  'node',
  'id',
  'name',
  'email',
  'payments',
  'shipments',
  'status',
  'customer',
  'orders(first: 2)',
  '__typename',
  'nope',
  '__schema',
  'types',
];
const TOKENS = [
  '{',
  '}',
  '(',
  ')',
  ':',
  '...',
  'on',
  '$x',
  '@skip(if: true)',
  '"s"',
  '1',
  'query',
  'mutation',
  'fragment F on Order',
  '#',
  '\\u0000',
  '!',
  '[',
  ']',
  '=',
];

/** Mostly well-formed selection sets over real field names, with junk tokens sprinkled in. */
const operation = fc.letrec((tie) => ({
  selection: fc.oneof(
    { depthSize: 'small' },
    fc.constantFrom(...FIELDS),
    fc.tuple(fc.constantFrom(...FIELDS), tie('set')).map(([f, s]) => `${f} ${String(s)}`),
    fc.constantFrom(...TOKENS),
  ),
  set: fc.array(tie('selection'), { minLength: 0, maxLength: 5 }).map((items) => `{ ${items.join(' ')} }`),
})).set;

/** Some valid operations, so the fuzzer also reaches execution (with random variables and names). */
const VALID = [
  '{ __typename }',
  '{ categories { name } }',
  '{ customer(id: "7") { name orders(first: 2) { edges { node { id status } } } } }',
  '{ order(id: "42") { id payments { status } shipments { carrier } } }',
];
const anyOperation = fc.oneof(operation, fc.constantFrom(...VALID));

const variables = fc.oneof(
  fc.constant(undefined),
  fc.jsonValue({ maxDepth: 3 }),
  fc.dictionary(fc.string({ maxLength: 8 }), fc.jsonValue({ maxDepth: 2 })),
);

describe('fuzz', () => {
  it('random bytes with random content types: never a 5xx', async () => {
    const statuses = new Map<number, number>();
    await fc.assert(
      fc.asyncProperty(
        fc.uint8Array({ maxLength: 2_048 }),
        fc.constantFrom(...CONTENT_TYPES),
        async (bytes, type) => {
          const { status } = await post(gateway.url, bytes, type ? { 'content-type': type } : {});
          statuses.set(status, (statuses.get(status) ?? 0) + 1);
          expect(status).toBeLessThan(500);
        },
      ),
      { numRuns: 200, seed: 8_2024 },
    );
    expect([...statuses.keys()].every((s) => s >= 400)).toBe(true);
  });

  it('random operations and variables: never a 5xx', async () => {
    const statuses = new Map<number, number>();
    await fc.assert(
      fc.asyncProperty(
        anyOperation,
        fc.option(
          fc.constantFrom('query', 'query Q($x: Int)', 'mutation', 'subscription', 'fragment F on Order'),
        ),
        variables,
        fc.option(fc.string({ maxLength: 10 }), { freq: 2 }),
        async (set, head, vars, operationName) => {
          const query = `${head ?? ''} ${set}`;
          const { status } = await post(
            gateway.url,
            JSON.stringify({ query, variables: vars, operationName }),
          );
          statuses.set(status, (statuses.get(status) ?? 0) + 1);
          expect(status).toBeLessThan(500);
        },
      ),
      { numRuns: 300, seed: 8_2025 },
    );
    // Some random operations are valid and run: the fuzzer reaches execution, not only the parser.
    expect(statuses.get(200)).toBeGreaterThan(0);
  });

  it('is still up and logged nothing at error level', async () => {
    expect((await fetch(gateway.url.replace('/graphql', '/health'))).status).toBe(200);
    expect(lines.filter((l) => l.level >= ERROR_LEVEL)).toEqual([]);
  });
});

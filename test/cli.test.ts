import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runMeshgate } from './support/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'meshgate-cli-'));
let blocker: Server;
let takenPort: number;
beforeAll(async () => {
  blocker = createServer();
  await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
  takenPort = (blocker.address() as { port: number }).port;
});
afterAll(() => new Promise<void>((resolve) => blocker.close(() => resolve())));

const notASupergraph = join(dir, 'plain.graphql');
writeFileSync(notASupergraph, 'type Query { hello: String }\n');
const brokenSupergraph = join(dir, 'broken.graphql');
writeFileSync(
  brokenSupergraph,
  'schema @link(url: "https://specs.apollo.dev/link/v1.0") @link(url: "https://specs.apollo.dev/join/v0.3", for: EXECUTION) { query: Query }\ntype Query { broken: Nope }\n',
);

/**
 * Each bad input ends with exactly one line on stderr, `meshgate: error[CODE]: …` naming the
 * thing, and exit code 1 — never a stack trace.
 */
describe.concurrent('bad input at start-up', () => {
  const cases: [string, () => string[], Record<string, string>, string, RegExp][] = [
    [
      'an unknown subgraph name',
      () => ['subgraph', 'inventory'],
      {},
      'UNKNOWN_SUBGRAPH',
      /unknown data product "inventory" \(known: customers, catalog, orders, payments, shipping\)/,
    ],
    [
      'a supergraph file that does not exist',
      () => ['gateway', '--supergraph', join(dir, 'missing.graphql'), '--port', '0'],
      {},
      'SUPERGRAPH_UNREADABLE',
      /cannot read supergraph .*missing\.graphql: ENOENT/,
    ],
    [
      'a file that is not a supergraph',
      () => ['gateway', '--supergraph', notASupergraph, '--port', '0'],
      {},
      'SUPERGRAPH_INVALID',
      /plain\.graphql is not a supergraph/,
    ],
    [
      'an invalid supergraph',
      () => ['gateway', '--supergraph', brokenSupergraph, '--port', '0'],
      {},
      'SUPERGRAPH_INVALID',
      /cannot serve supergraph .*broken\.graphql: /,
    ],
    [
      'a port already in use',
      () => ['gateway', '--port', String(takenPort)],
      {},
      'PORT_IN_USE',
      new RegExp(`gateway: port ${'\\d+'} on 127\\.0\\.0\\.1 is already in use`),
    ],
    [
      'an unreachable DATABASE_URL',
      () => ['subgraph', 'customers', '--port', '0'],
      { DATABASE_URL: 'postgres://postgres:secret@127.0.0.1:1/test' },
      'DATABASE_UNREACHABLE',
      /cannot reach DATABASE_URL postgres:\/\/postgres:\*\*\*@127\.0\.0\.1:1\/test: .*ECONNREFUSED/,
    ],
    ['an invalid PORT', () => ['gateway'], { PORT: 'eighty' }, 'CONFIG_INVALID', /PORT="eighty": /],
  ];

  it.each(cases)('%s', async (_name, args, env, code, message) => {
    const run = await runMeshgate(args(), env);
    expect(run.code).toBe(1);
    const lines = run.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(new RegExp(`^meshgate: error\\[${code}\\]: `));
    expect(lines[0]).toMatch(message);
    expect(run.stderr).not.toMatch(/\n\s+at /);
  });
});

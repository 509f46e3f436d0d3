import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ErrorCode } from '../../common/errors.js';
import { dataProducts } from '../../../subgraphs/index.js';
import { openDatabase, type Database } from '../../../subgraphs/kit/database.js';
import type { DataProductDescriptor, LibraryRule, QualityRule, SqlRule } from '../../protocol/index.js';
import { compileLibraryRule } from './compile-rule.js';
import { probeFreshness } from './freshness-probe.js';
import { readOnlyQuery } from './read-only.js';
import { runQuality } from './run-quality.js';
import { assertSingleSelect } from './sql-guard.js';

/**
 * The quality runner against real databases — the PostgreSQL server of the tests and embedded
 * PGlite — each with a schema of its own: rules compile to SQL over validated identifiers only,
 * custom queries run read-only, and no contract text can change data.
 */
const POSTGRES_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const TABLES: ReadonlyMap<string, ReadonlySet<string>> = new Map([
  ['items', new Set(['id', 'name', 'status', 'created_at'])],
]);

const base = { object: 'Item', property: null, description: null, pointer: '/schema/0/quality/0' } as const;
const library = (rule: Partial<LibraryRule> & Pick<LibraryRule, 'id' | 'metric'>): LibraryRule => ({
  ...base,
  type: 'library',
  table: 'items',
  column: null,
  dimension: 'completeness',
  severity: 'error',
  unit: 'rows',
  arguments: {},
  threshold: { operator: 'mustBe', value: 0 },
  ...rule,
});
const sql = (id: string, query: string, severity = 'error'): SqlRule => ({
  ...base,
  id,
  type: 'sql',
  query,
  table: 'items',
  column: null,
  dimension: 'accuracy',
  severity,
  threshold: { operator: 'mustBe', value: 0 },
});

const orders = dataProducts.find((p) => p.name === 'orders')!.descriptor;
const withRules = (quality: QualityRule[], element = 'items.created_at'): DataProductDescriptor => ({
  ...orders,
  name: 'itemsproduct',
  quality,
  sla: { ...orders.sla, freshness: { element, maxLagSeconds: 3_600 } },
});

describe('compileLibraryRule', () => {
  it('compiles each metric to one statement over the validated table and column, values as parameters', () => {
    expect(compileLibraryRule(library({ id: 'n', metric: 'nullValues', column: 'name' }), TABLES)).toEqual({
      sql: 'SELECT count(*) FILTER (WHERE "name" IS NULL)::float8 AS bad, count(*)::float8 AS total FROM "items"',
      params: [],
    });
    expect(
      compileLibraryRule(
        library({
          id: 'v',
          metric: 'invalidValues',
          column: 'status',
          arguments: { validValues: ['NEW', 'DONE'], pattern: "^[A-Z]+$'; DROP TABLE items; --" },
        }),
        TABLES,
      ),
    ).toEqual({
      sql: 'SELECT count(*) FILTER (WHERE "status" IS NOT NULL AND (NOT ("status"::text = ANY($1::text[])) OR "status"::text !~ $2))::float8 AS bad, count(*)::float8 AS total FROM "items"',
      params: [['NEW', 'DONE'], "^[A-Z]+$'; DROP TABLE items; --"],
    });
    expect(
      compileLibraryRule(library({ id: 'd', metric: 'duplicateValues', column: 'name' }), TABLES).sql,
    ).toBe(
      'SELECT (count("name") - count(DISTINCT "name"))::float8 AS bad, count(*)::float8 AS total FROM "items"',
    );
    expect(compileLibraryRule(library({ id: 'r', metric: 'rowCount' }), TABLES).sql).toBe(
      'SELECT count(*)::float8 AS bad, count(*)::float8 AS total FROM "items"',
    );
  });

  it('refuses a table or column the product does not have', () => {
    const refused = (rule: LibraryRule) => {
      try {
        compileLibraryRule(rule, TABLES);
        return null;
      } catch (error) {
        return { code: (error as { code?: string }).code, message: (error as Error).message };
      }
    };
    expect(refused(library({ id: 'x', metric: 'rowCount', table: 'pg_authid' }))).toEqual({
      code: ErrorCode.QUALITY_RULE_INVALID,
      message: 'rule x (/schema/0/quality/0): the product has no table "pg_authid" (it has items)',
    });
    expect(refused(library({ id: 'y', metric: 'nullValues', column: 'name" OR 1=1 --' }))).toEqual({
      code: ErrorCode.QUALITY_RULE_INVALID,
      message: 'rule y (/schema/0/quality/0): table items has no column "name\\" OR 1=1 --"',
    });
  });
});

describe('assertSingleSelect', () => {
  it('accepts one SELECT or WITH … SELECT, with semicolons only inside literals, comments or at the end', () => {
    expect(assertSingleSelect("SELECT count(*) FROM items WHERE name = 'a;b' -- note; more\n;", 'r')).toBe(
      "SELECT count(*) FROM items WHERE name = 'a;b' -- note; more",
    );
    expect(assertSingleSelect('WITH x AS (SELECT 1 AS n) SELECT count(*) FROM x', 'r')).toBe(
      'WITH x AS (SELECT 1 AS n) SELECT count(*) FROM x',
    );
  });

  it.each([
    ['select 1; drop table victims', 'holds more than one statement'],
    ['SELECT 1;/* */ DELETE FROM victims', 'holds more than one statement'],
    [
      'WITH d AS (DELETE FROM victims RETURNING 1) SELECT count(*) FROM d',
      'must only read: "DELETE" is not allowed',
    ],
    ['UPDATE victims SET id = 0', 'must be one SELECT'],
    ['SELECT pg_sleep(10)', 'must not call pg_sleep()'],
    ["SELECT set_config('default_transaction_read_only', 'off', false)", 'must not call set_config()'],
    ['SELECT 1 /* never closed', 'has an unterminated */'],
  ])('refuses %j with QUALITY_RULE_INVALID', (query, why) => {
    expect(() => assertSingleSelect(query, 'rule r')).toThrowError(why);
    try {
      assertSingleSelect(query, 'rule r');
    } catch (error) {
      expect((error as { code?: string }).code).toBe(ErrorCode.QUALITY_RULE_INVALID);
    }
  });
});

describe.each([
  ['PostgreSQL', POSTGRES_URL],
  ['PGlite', undefined],
])('the runner on %s', (_kind, url) => {
  const schema = `quality_test_${randomUUID().slice(0, 8)}`;
  let db: Database;
  const victims = async () =>
    Number((await db.query<{ n: number }>('SELECT count(*)::int AS n FROM victims'))[0]!.n);

  beforeAll(async () => {
    db = await openDatabase({ schema, url });
    await db.exec(`
      CREATE SCHEMA IF NOT EXISTS ${schema};
      SET search_path TO ${schema};
      CREATE TABLE ${schema}.items (id integer PRIMARY KEY, name text, status text, created_at timestamptz NOT NULL);
      CREATE TABLE ${schema}.victims (id integer PRIMARY KEY);
      INSERT INTO ${schema}.victims SELECT generate_series(1, 3);
      INSERT INTO ${schema}.items
        SELECT i, CASE WHEN i <= 2 THEN NULL WHEN i <= 4 THEN 'dup' ELSE 'item ' || i END,
               CASE WHEN i = 10 THEN 'lost' ELSE 'NEW' END,
               timestamptz '2026-01-01 00:00:00+00' + i * interval '1 minute'
        FROM generate_series(1, 10) AS i;`);
  });
  afterAll(async () => {
    if (url) await db.exec(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    await db.close();
  });

  it('measures each rule: counts, percentages, custom queries, and which pass', async () => {
    const results = await runQuality(
      withRules([
        library({ id: 'names-present', metric: 'nullValues', column: 'name' }),
        library({
          id: 'names-present-pct',
          metric: 'nullValues',
          column: 'name',
          unit: 'percent',
          threshold: { operator: 'mustBeLessThan', value: 25 },
        }),
        library({ id: 'names-unique', metric: 'duplicateValues', column: 'name' }),
        library({
          id: 'status-known',
          metric: 'invalidValues',
          column: 'status',
          arguments: { validValues: ['NEW', 'DONE'] },
        }),
        library({
          id: 'names-not-blank',
          metric: 'missingValues',
          column: 'name',
          arguments: { missingValues: ['dup'] },
          threshold: { operator: 'mustBeBetween', value: [4, 4] },
        }),
        library({
          id: 'rows',
          metric: 'rowCount',
          threshold: { operator: 'mustBeGreaterOrEqualTo', value: 10 },
        }),
        sql(
          'late-items',
          "SELECT count(*) FROM items WHERE created_at > timestamptz '2026-01-01 00:08:00+00'",
          'warning',
        ),
      ]),
      db,
      { statementTimeoutMs: 5_000, now: () => new Date('2026-01-01T01:00:00Z') },
    );
    expect(results.map((r) => [r.ruleId, r.metric, r.measured, r.threshold, r.passed, r.error])).toEqual([
      ['names-present', 'nullValues', 2, 'mustBe 0', false, undefined],
      ['names-present-pct', 'nullValues', 20, 'mustBeLessThan 25', true, undefined],
      ['names-unique', 'duplicateValues', 1, 'mustBe 0', false, undefined],
      ['status-known', 'invalidValues', 1, 'mustBe 0', false, undefined],
      ['names-not-blank', 'missingValues', 4, 'mustBeBetween [4, 4]', true, undefined],
      ['rows', 'rowCount', 10, 'mustBeGreaterOrEqualTo 10', true, undefined],
      ['late-items', 'sql', 2, 'mustBe 0', false, undefined],
    ]);
    expect(results[0]).toMatchObject({
      product: 'itemsproduct',
      dimension: 'completeness',
      severity: 'error',
      at: '2026-01-01T01:00:00.000Z',
    });
    expect(results.every((r) => r.durationMs >= 0)).toBe(true);
  });

  it('an injection through a custom sql rule fails that rule and changes nothing', async () => {
    const results = await runQuality(
      withRules([
        sql('drop', 'select 1; drop table victims'),
        sql('cte-write', 'WITH d AS (DELETE FROM victims RETURNING 1) SELECT count(*) FROM d'),
        sql('escape-wrapper', 'select 1) AS x; DELETE FROM victims; select (1'),
        sql('other-columns', 'SELECT name FROM items'),
        library({ id: 'still-runs', metric: 'rowCount', threshold: { operator: 'mustBe', value: 10 } }),
      ]),
      db,
      { statementTimeoutMs: 5_000 },
    );
    expect(results.map((r) => [r.ruleId, r.passed, r.measured])).toEqual([
      ['drop', false, null],
      ['cte-write', false, null],
      ['escape-wrapper', false, null],
      ['other-columns', false, null],
      ['still-runs', true, 10],
    ]);
    expect(results[0]!.error).toMatch(/^QUALITY_RULE_INVALID: .*holds more than one statement/);
    expect(results[1]!.error).toMatch(/^QUALITY_RULE_INVALID: .*"DELETE" is not allowed/);
    expect(results[3]!.error).toMatch(/must return one row with one number/);
    expect(await victims()).toBe(3);
  });

  it('runs every statement read-only in the product schema: writes past the guard are refused by the database', async () => {
    const refused = async (statement: string) =>
      readOnlyQuery(db, statement, [], 5_000).then(
        () => 'ran',
        (error: Error) => error.message,
      );
    expect(await refused('DELETE FROM victims')).toMatch(/read-only transaction/);
    expect(await refused('WITH d AS (DELETE FROM victims RETURNING 1) SELECT count(*) FROM d')).toMatch(
      /read-only transaction/,
    );
    expect(await refused('CREATE TABLE intruder (id int)')).toMatch(/read-only transaction/);
    expect(
      await refused(`SELECT * FROM (WITH d AS (DELETE FROM victims RETURNING 1) SELECT 1) AS rule_result`),
    ).toMatch(/WITH clause containing a data-modifying statement must be at the top level/);
    expect(await victims()).toBe(3);
    const [row] = await readOnlyQuery<{ schema: string }>(db, 'SELECT current_schema() AS schema', [], 5_000);
    expect(row!.schema).toBe(schema);
    // The settings were LOCAL: the connection writes again afterwards.
    await db.query(`INSERT INTO ${schema}.victims VALUES (4)`);
    expect(await victims()).toBe(4);
    await db.query(`DELETE FROM ${schema}.victims WHERE id = 4`);
  });

  it('reads the freshness element’s newest value and its lag', async () => {
    const reading = await probeFreshness(withRules([]), db, {
      statementTimeoutMs: 5_000,
      now: () => new Date('2026-01-01T01:00:00Z'),
    });
    expect(reading).toEqual({
      product: 'itemsproduct',
      element: 'items.created_at',
      maxLagSeconds: 3_600,
      at: '2026-01-01T01:00:00.000Z',
      newest: '2026-01-01T00:10:00.000Z',
      lagSeconds: 3_000,
    });
    const unknown = await probeFreshness(withRules([], 'items.updated_at'), db, {
      statementTimeoutMs: 5_000,
    });
    expect(unknown).toMatchObject({
      newest: null,
      lagSeconds: null,
      error: expect.stringMatching(/^QUALITY_RULE_INVALID: freshness element items.updated_at/),
    });
  });
});

describe('the statement timeout on PostgreSQL', () => {
  let db: Database;
  beforeAll(async () => {
    db = await openDatabase({ schema: 'public', url: POSTGRES_URL });
  });
  afterAll(() => db.close());

  it('ends a statement that outlasts it', async () => {
    const started = Date.now();
    await expect(readOnlyQuery(db, 'SELECT pg_sleep(5)', [], 200)).rejects.toThrow(/statement timeout/);
    expect(Date.now() - started).toBeLessThan(3_000);
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RowFilterClaim, RowPredicate } from '../../gateway/protocol/index.js';
import { openDatabase, type Database } from './database.js';
import {
  RowFilters,
  applyRowFilter,
  compilePredicate,
  unenforceable,
  visibleColumn,
  visibleRow,
} from './row-filter.js';
import { SqlWhere } from './sql.js';

const COLUMNS = { id: 'id', country: 'country', segment: 'segment', score: 'score' };
const TARGETS = { Customer: COLUMNS };

function sql(predicate: RowPredicate) {
  const where = new SqlWhere();
  const text = compilePredicate(predicate, COLUMNS, (v) => where.param(v));
  return { text, params: where.params };
}

describe('compiling a predicate to parameterised SQL', () => {
  it('puts every value in a parameter, never in the text', () => {
    expect(sql({ kind: 'in', field: 'country', values: ['DE', "AT'; DROP TABLE t; --"] })).toEqual({
      text: 'country = ANY($1)',
      params: [['DE', "AT'; DROP TABLE t; --"]],
    });
    expect(
      sql({
        kind: 'and',
        of: [
          { kind: 'compare', field: 'score', op: 'ge', value: 3 },
          { kind: 'not', of: { kind: 'compare', field: 'segment', op: 'eq', value: 'ENTERPRISE' } },
          {
            kind: 'or',
            of: [
              { kind: 'const', value: false },
              { kind: 'compare', field: 'country', op: 'ne', value: null },
            ],
          },
        ],
      }),
    ).toEqual({
      text: '(score >= $1) AND (NOT (segment = $2)) AND ((FALSE) OR (country IS NOT NULL))',
      params: [3, 'ENTERPRISE'],
    });
    expect(sql({ kind: 'in', field: 'country', values: [] })).toEqual({ text: 'FALSE', params: [] });
    expect(sql({ kind: 'in', field: 'country', values: ['DE', null] })).toEqual({
      text: 'country = ANY($1) OR country IS NULL',
      params: [['DE']],
    });
  });

  it('refuses, before any SQL, a filter on a type or field the product did not declare', () => {
    const claim = (type: string, field: string): RowFilterClaim => ({
      type,
      rule: 'r',
      where: { kind: 'compare', field, op: 'eq', value: 'x' },
    });
    expect(unenforceable([claim('Customer', 'country')], TARGETS)).toBeUndefined();
    expect(unenforceable([claim('Order', 'status')], TARGETS)).toBe(
      'rule r filters Order, which this data product does not filter',
    );
    expect(unenforceable([claim('Customer', 'email')], TARGETS)).toBe(
      'rule r filters Customer by email, which this data product cannot filter on',
    );
  });
});

describe('against a database', () => {
  let db: Database;
  beforeAll(async () => {
    db = await openDatabase({ schema: 'rowfilter' });
    await db.exec(`CREATE TABLE t (id int PRIMARY KEY, country text, segment text, score int);
      INSERT INTO t VALUES (1, 'DE', 'CONSUMER', 1), (2, 'AT', 'ENTERPRISE', 5), (3, 'FR', 'CONSUMER', 9), (4, NULL, 'CONSUMER', 2);`);
  });
  afterAll(async () => {
    await db?.close();
  });

  const rows = RowFilters.of(
    {
      customers: [
        { type: 'Customer', rule: 'regional', where: { kind: 'in', field: 'country', values: ['DE', 'AT'] } },
        {
          type: 'Customer',
          rule: 'no-enterprise',
          where: { kind: 'not', of: { kind: 'compare', field: 'segment', op: 'eq', value: 'ENTERPRISE' } },
        },
      ],
      orders: [{ type: 'Order', rule: 'other', where: { kind: 'const', value: false } }],
    },
    'customers',
    TARGETS,
  );

  it('narrows a list by every filter on the type (a NULL column is left out)', async () => {
    const where = applyRowFilter(new SqlWhere(), rows.for('Customer'));
    expect(await db.query(`SELECT id FROM t ${where.sql} ORDER BY id`, where.params)).toEqual([{ id: 1 }]);
    expect(rows.for('Order')).toBeUndefined(); // the orders product's filter is not this one's
    expect(rows.for('Customer')?.rules).toEqual(['regional', 'no-enterprise']);
  });

  it('tells a filtered row from a missing one in a lookup by key', async () => {
    const filter = rows.for('Customer');
    const where = new SqlWhere();
    const keys = where.param([1, 2, 3, 99]);
    const found = await db.query<{ id: number; row_visible: boolean }>(
      `SELECT id, ${visibleColumn(filter, (v) => where.param(v))} FROM t WHERE id = ANY(${keys}::int[]) ORDER BY id`,
      where.params,
    );
    expect(found).toEqual([
      { id: 1, row_visible: true },
      { id: 2, row_visible: false },
      { id: 3, row_visible: false },
    ]);
    expect(visibleRow(found[0]!, filter, '1')).toEqual(found[0]);
    expect(() => visibleRow(found[1]!, filter, '2')).toThrow(
      expect.objectContaining({
        message: "Customer 2 is outside the principal's row filter (rule regional, no-enterprise)",
        extensions: { code: 'ROW_FILTERED', type: 'Customer', rule: 'regional, no-enterprise' },
      }),
    );
    expect(visibleRow(null, filter, '99')).toBeNull();
  });
});

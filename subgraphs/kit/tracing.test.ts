import { describe, expect, it } from 'vitest';
import { statementShape } from './tracing.js';

describe('SQL statement shape (the db.query.text of a span)', () => {
  it('keeps placeholders and identifiers, folds whitespace', () => {
    expect(
      statementShape(`SELECT id, customer_id FROM orders
         WHERE id = ANY($1::int[]) AND page_row <= $12   ORDER BY id`),
    ).toBe('SELECT id, customer_id FROM orders WHERE id = ANY($1::int[]) AND page_row <= $12 ORDER BY id');
  });

  it('replaces inlined literals, so no value reaches a span even if one was inlined', () => {
    expect(
      statementShape(`SELECT * FROM customers WHERE email = 'ken@example.com' AND id > 42 LIMIT 10.5`),
    ).toBe('SELECT * FROM customers WHERE email = ? AND id > ? LIMIT ?');
    expect(statementShape(`SELECT 'it''s' AS x, count(*)::int4 FROM t2`)).toBe(
      'SELECT ? AS x, count(*)::int4 FROM t2',
    );
  });
});

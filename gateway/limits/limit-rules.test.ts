import { buildSchema, parse, validate } from 'graphql';
import { describe, expect, it } from 'vitest';
import { aliasLimitRule } from './alias-rule.js';
import { costLimitRule } from './cost-rule.js';
import { depthLimitRule } from './depth-rule.js';
import { rootFieldsLimitRule } from './root-fields-rule.js';

const schema = buildSchema(`
  type Query { customer(id: ID!): Customer  customers(first: Int = 20): CustomerConnection! }
  type Customer { id: ID! name: String friends: [Customer!]! orders(first: Int): CustomerConnection! }
  type CustomerConnection { edges: [Edge!]! }
  type Edge { node: Customer! }
`);
const run = (
  rule: Parameters<typeof validate>[2] extends readonly (infer R)[] | undefined ? R : never,
  query: string,
) => validate(schema, parse(query), [rule]).map((e) => [e.message, e.extensions.code]);

describe('limit rules', () => {
  it('measures depth through fragments, not counting introspection', () => {
    expect(run(depthLimitRule(3), '{ customer(id: 1) { friends { name } } }')).toEqual([]);
    expect(
      run(
        depthLimitRule(3),
        '{ customer(id: 1) { ...F } } fragment F on Customer { friends { friends { name } } }',
      ),
    ).toEqual([['Operation depth 4 exceeds the maximum of 3', 'DEPTH_LIMIT_EXCEEDED']]);
    expect(run(depthLimitRule(1), '{ __schema { types { fields { type { ofType { name } } } } } }')).toEqual(
      [],
    );
  });

  it('counts aliases and root fields', () => {
    expect(run(aliasLimitRule(2), '{ customer(id: 1) { a: name b: name c: name } }')).toEqual([
      ['Document uses 3 aliases; the maximum is 2', 'ALIAS_LIMIT_EXCEEDED'],
    ]);
    expect(
      run(
        rootFieldsLimitRule(2),
        '{ a: customer(id: 1) { id } ...R __typename } fragment R on Query { b: customer(id: 2) { id } c: customer(id: 3) { id } }',
      ),
    ).toEqual([['Operation selects 3 root fields; the maximum is 2', 'ROOT_FIELD_LIMIT_EXCEEDED']]);
  });

  it('estimates cost with page sizes, schema defaults and list sizes; a fragment bomb in linear time', () => {
    const cost = (query: string) => run(costLimitRule({ maxCost: 0, listSize: 10 }), query)[0]?.[0];
    // customers: 1 + 20 (schema default) × edges (1 + node (1 + id 1)) = 61; edges are not multiplied again.
    expect(cost('{ customers { edges { node { id } } } }')).toBe(
      'Operation cost 61 exceeds the maximum of 0',
    );
    expect(cost('{ customer(id: 1) { friends { id } } }')).toBe('Operation cost 12 exceeds the maximum of 0');
    const bomb = `{ customer(id: 1) { ...F0 } } ${Array.from({ length: 40 }, (_, i) => `fragment F${i} on Customer { ...F${i + 1} ...F${i + 1} }`).join(' ')} fragment F40 on Customer { name }`;
    expect(cost(bomb)).toBe(`Operation cost ${1 + 2 ** 40} exceeds the maximum of 0`);
  });
});

import { beforeAll, describe, expect, it } from 'vitest';
import { parseRowFilterClaims, parseRowPredicate } from '../protocol/index.js';
import type { Principal } from '../common/types.js';
import { referenceModel } from '../../test/support/reference-policy.js';
import type { SupergraphModel } from '../supergraph/supergraph-model.js';
import { compilePolicy } from './policy-engine.js';
import { parsePolicyFile, readPolicyFiles } from './policy-file.js';
import { indexSupergraph } from './schema-index.js';
import type { PolicyRule } from './types.js';

let model: SupergraphModel;
beforeAll(() => {
  model = referenceModel();
});

const regional: Principal = {
  sub: 'rea',
  anonymous: false,
  roles: ['analyst'],
  scopes: [],
  teams: [],
  attributes: { countries: ['DE', 'AT'] },
};
const analyst: Principal = { ...regional, sub: 'ana', attributes: {} };

function filterRule(target: string, where: string, when?: string): PolicyRule[] {
  const rule = { id: 'f', description: 'test', target, where, effect: 'filter', ...(when && { when }) };
  return parsePolicyFile(
    'test.yaml',
    JSON.stringify({ apiVersion: 'meshgate/v1', kind: 'Policy', owner: 't', rules: [rule] }),
  );
}

function compile(rules: readonly PolicyRule[]) {
  return compilePolicy({ rules, index: indexSupergraph(model), strict: true });
}

describe('row filters (effect: filter)', () => {
  it('turns the CEL where into a typed predicate with the principal evaluated, for the owning subgraph', () => {
    const engine = compilePolicy({
      rules: readPolicyFiles('policies'),
      index: indexSupergraph(model),
      strict: true,
    });
    const filters = engine.rowFilters(regional);
    expect(filters.claims).toEqual({
      customers: [
        {
          type: 'Customer',
          rule: 'regional-analyst-customers',
          where: { kind: 'in', field: 'country', values: ['DE', 'AT'] },
        },
      ],
    });
    expect(filters.applied).toEqual([
      { type: 'Customer', rule: 'regional-analyst-customers', subgraph: 'customers' },
    ]);
    expect(filters.fingerprint).toBe(JSON.stringify(filters.claims));
    // Its condition does not hold for an analyst without countries: no filter, no fingerprint.
    expect(engine.rowFilters(analyst)).toMatchObject({ applied: [], fingerprint: '' });
    // One object per principal key: equal principals share it.
    expect(engine.rowFilters({ ...regional, sub: 'other' })).toBe(filters);
  });

  it('compiles comparisons both ways round, negation, and folds principal-only terms', () => {
    const [rule] = filterRule(
      'Order',
      "(principal.sub == 'rea' || 'data-steward' in principal.roles) && !(row.status == 'CANCELLED') && 'PENDING' != row.status",
    );
    const engine = compile([rule!]);
    expect(engine.rowFilters(regional).claims).toEqual({
      orders: [
        {
          type: 'Order',
          rule: 'f',
          where: {
            kind: 'and',
            of: [
              { kind: 'not', of: { kind: 'compare', field: 'status', op: 'eq', value: 'CANCELLED' } },
              { kind: 'compare', field: 'status', op: 'ne', value: 'PENDING' },
            ],
          },
        },
      ],
    });
    // The principal-only part is false for another principal: the whole filter keeps nothing.
    expect(engine.rowFilters(analyst).claims.orders?.[0]?.where).toEqual({ kind: 'const', value: false });
  });

  it('reads a single-string attribute as a list of one, and a missing one as an empty list', () => {
    const [rule] = filterRule('Customer', 'row.country in principal.attributes.countries');
    const engine = compile([rule!]);
    const where = (attributes: Principal['attributes']) =>
      engine.rowFilters({ ...analyst, attributes }).claims.customers?.[0]?.where;
    expect(where({ countries: 'DE' })).toEqual({ kind: 'in', field: 'country', values: ['DE'] });
    expect(where({})).toEqual({ kind: 'in', field: 'country', values: [] });
  });

  it('refuses a field the type lacks, naming file and rule', () => {
    expect(() => compile(filterRule('Customer', "row.countryCode == 'DE'"))).toThrow(
      'invalid policy test.yaml: rule "f": filter reads Customer.countryCode, but Customer has no field countryCode',
    );
  });

  it('refuses a filter through a reference: it is declared where the field lives', () => {
    expect(() => compile(filterRule('Order', "row.customer.country == 'DE'"))).toThrow(
      /rule "f": filter reads row.customer.country: a product filters on a field it holds/,
    );
  });

  it('refuses what cannot compile to a predicate, and what is not bool', () => {
    expect(() => compile(filterRule('Customer', "row.name.startsWith('A')"))).toThrow(
      /rule "f": filter part .*startsWith.* cannot become a row predicate/,
    );
    expect(() => compile(filterRule('Customer', 'row.country == row.segment'))).toThrow(
      /cannot become a row predicate/,
    );
    expect(() => compile(filterRule('Customer', 'row.country'))).toThrow(/is string, not bool/);
    expect(() => compile(filterRule('Customer', 'row.country ==='))).toThrow(
      /rule "f": bad filter expression/,
    );
    expect(() => compile(filterRule('Nope', "row.a == 'b'"))).toThrow(/unknown filter target Nope/);
    expect(() => compile(filterRule('Customer', 'true'))).toThrow(/reads no field of Customer/);
  });

  it('refuses a filter rule without target or where, and target on another effect', () => {
    const file = (rule: object) =>
      JSON.stringify({
        apiVersion: 'meshgate/v1',
        kind: 'Policy',
        owner: 't',
        rules: [{ id: 'f', description: 'd', ...rule }],
      });
    expect(() => parsePolicyFile('p.yaml', file({ effect: 'filter', target: 'Customer' }))).toThrow(
      /rule "f".*effect filter needs a target type and a where expression/,
    );
    expect(() =>
      parsePolicyFile('p.yaml', file({ effect: 'deny', target: 'Customer', fields: ['Customer.email'] })),
    ).toThrow(/target and where are only for effect filter/);
  });
});

describe('the predicate contract (gateway/protocol/row-filter.ts)', () => {
  it('reads back what the gateway sends and refuses unknown shapes', () => {
    const claims = {
      customers: [{ type: 'Customer', rule: 'r', where: { kind: 'in', field: 'country', values: ['DE'] } }],
    };
    expect(parseRowFilterClaims(JSON.parse(JSON.stringify(claims)))).toEqual(claims);
    expect(parseRowFilterClaims(undefined)).toEqual({});
    expect(parseRowPredicate({ kind: 'sql', text: 'true' })).toBeUndefined();
    expect(parseRowPredicate({ kind: 'compare', field: 'a', op: 'like', value: 'x' })).toBeUndefined();
    expect(
      parseRowFilterClaims({
        customers: [{ type: 'Customer', rule: 'r', where: { kind: 'in', field: 'c', values: [{}] } }],
      }),
    ).toBeUndefined();
  });
});

import { Kind, buildSchema, parse, type GraphQLSchema, type OperationDefinitionNode } from 'graphql';
import { beforeAll, describe, expect, it } from 'vitest';
import { referenceEngine, referenceModel } from '../../test/support/reference-policy.js';
import type { Principal } from '../common/types.js';
import { ANONYMOUS } from '../auth/anonymous.js';
import { analyseOperation } from '../operation/operation-analysis.js';
import { authorizeOperation } from './authorize-operation.js';
import type { PolicyEngine } from './types.js';
import { ANALYST } from '../../test/support/principal.js';

/** Authorize on the operation's analysis, against the committed supergraph and the shipped policies. */
let schema: GraphQLSchema;
let engine: PolicyEngine;
beforeAll(() => {
  const model = referenceModel();
  schema = model.apiSchema;
  engine = referenceEngine(model);
});

const analyst = ANALYST;
const authorize = (principal: Principal, query: string, on: GraphQLSchema = schema) => {
  const document = parse(query);
  const operation = document.definitions.find(
    (d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION,
  )!;
  return authorizeOperation(engine, principal, analyseOperation(on, document, operation), query, 'hash');
};

describe('authorizeOperation', () => {
  it('decides each coordinate once, in document order (the dry-run report)', () => {
    const result = authorize(ANONYMOUS, '{ customer(id: "4219") { name email } }');
    expect(result.decisions).toEqual([
      { coordinate: 'Query.customer', effect: 'allow', rule: null },
      { coordinate: 'Customer.name', effect: 'allow', rule: 'customer-name-shown' },
      { coordinate: 'Customer.email', effect: 'deny', rule: 'default-deny:pii' },
    ]);
    expect([...result.denied]).toEqual([['Customer.email', 'default-deny:pii']]);
    expect(result).toMatchObject({ rewritten: true, touchesResponse: true });
    expect(result.source).toBe('{\n  customer(id: "4219") {\n    name\n  }\n}');
  });

  it('follows aliases, named and inline fragments; drops the variables only removed fields used', () => {
    const result = authorize(
      analyst,
      `query Q($withPhone: Boolean!, $id: ID!) {
        c: customer(id: $id) { who: name ...Contact ... on Customer { tel: phone @include(if: $withPhone) born: birthDate @skip(if: true) } }
      }
      fragment Contact on Customer { mail: email }`,
    );
    expect(result.decisions.map((d) => `${d.coordinate} ${d.effect}`)).toEqual([
      'Customer allow', // the fragment's type condition, judged first
      'Query.customer allow',
      'Customer.name allow',
      'Customer.phone deny',
      'Customer.birthDate mask',
      'Customer.email mask',
    ]);
    expect([...result.masked]).toEqual([
      ['Customer.birthDate', 'year'],
      ['Customer.email', 'hash'],
    ]);
    // A set left with @skip/@include selections only keeps a placeholder: it may run empty.
    expect(result.source).toBe(
      [
        'query Q($id: ID!) {',
        '  c: customer(id: $id) {',
        '    who: name',
        '    ...Contact',
        '    ... on Customer {',
        '      born: birthDate @skip(if: true)',
        '      meshgate__placeholder: __typename',
        '    }',
        '  }',
        '}',
        '',
        'fragment Contact on Customer {',
        '  mail: email',
        '}',
      ].join('\n'),
    );
    expect(result.queryHash).toMatch(/^[0-9a-f]{64}$/);
  });

  it('keeps a selection left empty an object, and the fragments still spread', () => {
    expect(authorize(ANONYMOUS, '{ customer(id: "4219") { email phone } }').source).toBe(
      '{\n  customer(id: "4219") {\n    meshgate__placeholder: __typename\n  }\n}',
    );
    const fragment = authorize(
      ANONYMOUS,
      'query P($p: Boolean = true) { customer(id: "1") { ...Private name } } fragment Private on Customer { phone @include(if: $p) }',
    );
    expect(fragment.source).toBe(
      'query P {\n  customer(id: "1") {\n    ...Private\n    name\n  }\n}\n\nfragment Private on Customer {\n  meshgate__placeholder: __typename\n}',
    );
  });

  it('decides nothing beneath a denied field: it goes whole', () => {
    const result = authorize(ANONYMOUS, '{ shipments(first: 1) { edges { node { address { city } } } } }');
    expect(result.decisions.map((d) => d.coordinate)).not.toContain('Address.city');
    expect(result.denied.get('Shipment.address')).toBe('default-deny:pii');
  });

  it('keeps an operation nothing is denied in as it came (its plan is shared safely)', () => {
    const query = '{ customer(id: "4219") { name country } }';
    const result = authorize(analyst, query);
    expect(result).toMatchObject({
      rewritten: false,
      source: query,
      queryHash: 'hash',
      touchesResponse: false,
    });
  });

  it('refuses an analysis made against another schema than the engine one', () => {
    const other = buildSchema('type Customer { name: String } type Query { customer(id: ID): Customer }');
    expect(() => authorize(ANONYMOUS, '{ customer(id: "1") { name } }', other)).toThrow(/Invariant violated/);
  });
});

import { Kind, parse, type OperationDefinitionNode } from 'graphql';
import { beforeAll, describe, expect, it } from 'vitest';
import { composeSupergraph } from '../../schema/compose.js';
import { ANONYMOUS } from '../auth/anonymous.js';
import type { Principal } from '../common/types.js';
import { analyseOperation } from '../operation/operation-analysis.js';
import { authorizeOperation } from './authorize-operation.js';
import { indexSupergraphSdl } from './offline-engine.js';
import { compilePolicy } from './policy-engine.js';
import { readPolicyFiles } from './policy-file.js';
import type { PolicyEngine } from './types.js';

/**
 * Apollo's authorization directives in *any* supergraph, with the GraphOS Router's semantics:
 * OR of AND lists; a field's and its type's requirements both apply; fragments on restricted
 * types are removed; through an interface each implementation's requirements apply.
 */
const ACCOUNTS = `
extend schema @link(url: "https://specs.apollo.dev/federation/v2.9", import: ["@key", "@authenticated", "@requiresScopes", "@policy"])
type Query {
  me: User @authenticated
  users: [User!]!
  node(id: ID!): Node
  secrets: [Secret!]!
  search(text: String!): [SearchResult!]!
}
union SearchResult = User | Secret
interface Node { id: ID! label: String }
type User implements Node @key(fields: "id") {
  id: ID!
  label: String @authenticated
  name: String!
  ssn: String @requiresScopes(scopes: [["pii:read", "user:read"], ["admin"]])
  notes: String @policy(policies: [["support-purpose"]])
}
type Secret implements Node @requiresScopes(scopes: [["secret"]]) { id: ID! label: String value: String }
`;
const REVIEWS = `
extend schema @link(url: "https://specs.apollo.dev/federation/v2.9", import: ["@key"])
type User @key(fields: "id") { id: ID! reviews: [String!]! }
`;

let engine: PolicyEngine;
beforeAll(async () => {
  const composed = composeSupergraph([
    { name: 'accounts', url: 'http://accounts.invalid/graphql', sdl: ACCOUNTS },
    { name: 'reviews', url: 'http://reviews.invalid/graphql', sdl: REVIEWS },
  ]);
  if (!composed.ok) throw new Error(composed.errors.map((e) => e.message).join('; '));
  // The shipped policies define the named condition `support-purpose` @policy refers to.
  engine = compilePolicy({
    rules: readPolicyFiles('policies').filter(
      (r) => r.fields.length === 0 && r.classifications.length === 0 && r.effect !== 'filter',
    ),
    index: await indexSupergraphSdl(composed.supergraphSdl),
    strict: true,
  });
});

const user = (scopes: string[], extra: Partial<Principal> = {}): Principal => ({
  sub: 'u',
  anonymous: false,
  roles: [],
  scopes,
  teams: [],
  attributes: {},
  ...extra,
});
const authorize = (principal: Principal, query: string) => {
  const document = parse(query);
  const operation = document.definitions.find(
    (d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION,
  )!;
  return authorizeOperation(
    engine,
    principal,
    analyseOperation(engine.schema, document, operation),
    query,
    'hash',
  );
};
const effect = (principal: Principal, type: string, field: string) => {
  const d = engine.decideField(type, field, principal);
  return d.effect === 'deny' ? `deny ${d.rule}` : d.effect;
};

describe('Apollo authorization directives', () => {
  it('@authenticated: anonymous is denied, any authenticated principal allowed', () => {
    expect(effect(ANONYMOUS, 'Query', 'me')).toBe('deny @authenticated');
    expect(effect(user([]), 'Query', 'me')).toBe('allow');
  });

  it('@requiresScopes: OR of AND lists', () => {
    expect(effect(user(['pii:read']), 'User', 'ssn')).toBe('deny @requiresScopes');
    expect(effect(user(['pii:read', 'user:read']), 'User', 'ssn')).toBe('allow');
    expect(effect(user(['admin']), 'User', 'ssn')).toBe('allow');
  });

  it('@policy names resolve to rules in policies/', () => {
    expect(effect(user([]), 'User', 'notes')).toBe('deny @policy');
    expect(
      effect(user([], { roles: ['support'], attributes: { purpose: 'support' } }), 'User', 'notes'),
    ).toBe('allow');
    expect(effect(user([], { roles: ['support'], attributes: { purpose: 'sales' } }), 'User', 'notes')).toBe(
      'deny @policy',
    );
  });

  it("a field's and its type's requirements both apply", () => {
    expect(effect(user([]), 'Query', 'secrets')).toBe('deny @requiresScopes');
    expect(effect(user(['secret']), 'Query', 'secrets')).toBe('allow');
  });

  it('removes fragments on restricted types, keeps the others', () => {
    const result = authorize(
      user([]),
      '{ search(text: "x") { ... on Secret { value } ... on User { name } } }',
    );
    expect(result.denied.get('Secret')).toBe('@requiresScopes');
    expect(result.source).toBe(
      '{\n  search(text: "x") {\n    ... on User {\n      name\n    }\n    meshgate__typename: __typename\n  }\n}',
    );
    expect(result.queryHash).not.toBe('hash');
  });

  it("through an interface, an implementation's requirement applies", () => {
    expect(effect(ANONYMOUS, 'Node', 'label')).toBe('deny @authenticated');
    expect(effect(user(['secret']), 'Node', 'label')).toBe('allow');
    // Composition copies Secret's requirement onto the interface Node, so a field returning
    // Node needs it too (as in the GraphOS Router).
    expect(effect(user([]), 'Query', 'node')).toBe('deny @requiresScopes');
    expect(effect(user(['secret']), 'Query', 'node')).toBe('allow');
  });

  it('keeps entity keys for joins: a denied field is removed, the key the planner needs is not', () => {
    const result = authorize(ANONYMOUS, '{ users { ssn reviews } }');
    expect(result.source).toBe('{\n  users {\n    reviews\n  }\n}');
  });

  it('decisions are keyed by what the rules and directives read, not by who asks', () => {
    const key = engine.principalKey;
    expect(key(user(['a'], { sub: 'ana' }))).toBe(
      key(user(['a'], { sub: 'bob', attributes: { region: 'eu' } })),
    );
    expect(key(user(['a']))).not.toBe(key(user(['a', 'b'])));
    expect(key(user([], { attributes: { purpose: 'support' } }))).not.toBe(key(user([])));
    expect(key(ANONYMOUS)).not.toBe(key(user([], { sub: 'anonymous' })));
  });

  it('an unchanged operation keeps its source and hash (its plan is shared safely)', () => {
    const query = '{ users { name } }';
    const result = authorize(ANONYMOUS, query);
    expect(result.source).toBe(query);
    expect(result.queryHash).toBe('hash');
    expect(result.touchesResponse).toBe(false);
  });
});

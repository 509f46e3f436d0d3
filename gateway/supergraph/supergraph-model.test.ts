import type * as GraphQL from 'graphql';
import { isObjectType, parse } from 'graphql';
import { describe, expect, it, vi } from 'vitest';
import { composeSupergraph } from '../../schema/compose.js';
import { schemaView } from '../../schema/check/schema-view.js';
import { supergraphId } from '../../schema/registry/supergraph-record.js';
import { buildCatalog } from '../catalog/build-catalog.js';
import { indexSupergraphSdl } from '../policy/offline-engine.js';
import { indexSupergraph } from '../policy/schema-index.js';
import { readSupergraphFile } from './read-supergraph-file.js';
import { supergraphModel } from './supergraph-model.js';

// Every `parse` our modules make goes through this spy (graphql itself is the real one): a
// consumer that parses the supergraph again, instead of reading the model, is counted.
vi.mock('graphql', async (importOriginal) => {
  const actual = await importOriginal<typeof GraphQL>();
  return { ...actual, parse: vi.fn(actual.parse) };
});
const parsesOf = (sdl: string) => vi.mocked(parse).mock.calls.filter(([source]) => source === sdl).length;

const SDL = readSupergraphFile('schema/supergraph.graphql');
/** The committed supergraph under another text: a model of its own, not yet built. */
let variants = 0;
const variant = () => `${SDL}\n# variant ${++variants}\n`;

describe('the supergraph model of schema/supergraph.graphql', () => {
  const model = supergraphModel(SDL);

  it('knows it by the id /ready and the registry use', () => {
    expect(model.id).toBe(supergraphId(SDL));
    expect(model.id).toMatch(/^[0-9a-f]{12}$/);
    expect(model.sdl).toBe(SDL);
  });

  it('lists the five subgraphs and their URLs, in join__Graph order', () => {
    expect(model.subgraphs).toEqual([
      { name: 'catalog', url: 'http://localhost:4002/graphql' },
      { name: 'customers', url: 'http://localhost:4001/graphql' },
      { name: 'orders', url: 'http://localhost:4003/graphql' },
      { name: 'payments', url: 'http://localhost:4004/graphql' },
      { name: 'shipping', url: 'http://localhost:4005/graphql' },
    ]);
    expect(model.subgraphUrls).toEqual({
      catalog: 'http://localhost:4002/graphql',
      customers: 'http://localhost:4001/graphql',
      orders: 'http://localhost:4003/graphql',
      payments: 'http://localhost:4004/graphql',
      shipping: 'http://localhost:4005/graphql',
    });
  });

  it('knows who owns each field: @join__field, else every subgraph of the type', () => {
    expect(model.ownership.owners('Customer', 'email')).toEqual(['customers']);
    expect(model.ownership.owners('Customer', 'orders')).toEqual(['orders']);
    expect(model.ownership.owners('Customer', 'id')).toEqual(['customers', 'orders']);
    expect(model.ownership.owners('NoSuchType', 'x')).toEqual([]);
    expect(model.typeOwners('Customer')).toEqual(['customers', 'orders']);
    // Inputs and enums have owners too (the schema check places findings on them).
    expect(model.typeOwners('CustomerFilter')).toEqual(['customers']);
  });

  it('classifies fields from @tag, by field and by type', () => {
    expect(model.classification.get('Customer.email')).toEqual(['pii']);
    expect(model.classification.get('Address.city')).toEqual(['pii']);
    expect(model.classification.get('Customer.country')).toBeUndefined();
  });

  it('has no authorization directives (the committed subgraphs use policies instead)', () => {
    expect(model.requirements.size).toBe(0);
  });

  it('derives the API schema once, without the join machinery', () => {
    const api = model.apiSchema;
    expect(model.apiSchema).toBe(api);
    expect(api.getType('join__Graph')).toBeUndefined();
    const customer = api.getType('Customer');
    expect(isObjectType(customer) && Object.keys(customer.getFields())).toContain('email');
  });

  it('is frozen', () => {
    expect(Object.isFrozen(model)).toBe(true);
    expect(Object.isFrozen(model.subgraphs)).toBe(true);
    expect(Object.isFrozen(model.ownership.owners('Customer', 'email'))).toBe(true);
    expect(Object.isFrozen(model.classification.get('Customer.email'))).toBe(true);
  });
});

describe('supergraphModel(sdl)', () => {
  it('parses a supergraph once, however many readers it is handed to', async () => {
    const sdl = variant();
    expect(parsesOf(sdl)).toBe(0);
    const model = supergraphModel(sdl);
    expect(parsesOf(sdl)).toBe(1);
    // The policy index and GET /catalog, twice: a reader handed the model does not parse.
    expect(indexSupergraph(model).requirements).toBe(model.requirements);
    for (let request = 0; request < 2; request++) {
      const catalog = await buildCatalog({
        model,
        descriptors: [],
        rules: [],
        subgraphUrls: {},
        health: async () => ({ status: 'up', latencyMs: 0 }),
      });
      expect(catalog.supergraphId).toBe(model.id);
      const customers = catalog.products.find((p) => p.name === 'customers');
      const customer = customers?.types.find((t) => t.name === 'Customer');
      expect(customer?.fields.find((f) => f.name === 'email')?.classification).toEqual(['pii']);
    }
    expect(parsesOf(sdl)).toBe(1);
  });

  it('keeps nothing in module state: each call reads the SDL anew', () => {
    const sdl = variant();
    expect(supergraphModel(sdl)).not.toBe(supergraphModel(sdl));
    expect(parsesOf(sdl)).toBe(2);
    // The offline readers (the schema check, `meshgate policy`) build their own.
    expect(schemaView(sdl).subgraphsOf('Customer.email')).toEqual(['customers']);
  });

  it('uses the API schema the gateway derived instead of deriving its own', async () => {
    const derived = supergraphModel(SDL).apiSchema;
    const model = supergraphModel(variant(), { apiSchema: derived });
    expect(model.apiSchema).toBe(derived);
    expect((await indexSupergraphSdl(SDL)).classification.get('Customer.email')).toEqual(['pii']);
  });
});

describe('authorization requirements', () => {
  const composed = composeSupergraph([
    {
      name: 'accounts',
      url: 'http://accounts.invalid/graphql',
      sdl: `
        extend schema @link(url: "https://specs.apollo.dev/federation/v2.9", import: ["@key", "@authenticated", "@requiresScopes", "@policy", "@tag"])
        type Query { me: User @authenticated }
        type User @key(fields: "id") @requiresScopes(scopes: [["user:read"]]) {
          id: ID!
          ssn: String @requiresScopes(scopes: [["pii:read", "user:read"], ["admin"]]) @tag(name: "pii")
          notes: String @policy(policies: [["support-purpose"]])
        }`,
    },
  ]);
  if (!composed.ok) throw new Error(composed.errors.map((e) => e.message).join('; '));
  const model = supergraphModel(composed.supergraphSdl);

  it('reads @authenticated, @requiresScopes and @policy on fields and types', () => {
    expect(model.requirements.get('Query.me')).toEqual([{ kind: 'authenticated' }]);
    expect(model.requirements.get('User')).toEqual([{ kind: 'requiresScopes', anyOf: [['user:read']] }]);
    expect(model.requirements.get('User.ssn')).toEqual([
      { kind: 'requiresScopes', anyOf: [['pii:read', 'user:read'], ['admin']] },
    ]);
    expect(model.requirements.get('User.notes')).toEqual([{ kind: 'policy', anyOf: [['support-purpose']] }]);
    expect(model.classification.get('User.ssn')).toEqual(['pii']);
  });

  it('derives an API schema although those links are for: SECURITY', () => {
    expect(composed.supergraphSdl).toContain('for: SECURITY');
    expect(model.apiSchema.getQueryType()?.getFields().me).toBeDefined();
  });
});

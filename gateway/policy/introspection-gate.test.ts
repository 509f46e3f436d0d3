import { Kind, parse, type OperationDefinitionNode } from 'graphql';
import { beforeAll, describe, expect, it } from 'vitest';
import { principal, referenceEngine, referenceModel } from '../../test/support/reference-policy.js';
import type { Principal } from '../common/types.js';
import { ANONYMOUS } from '../auth/anonymous.js';
import { analyseOperation } from '../operation/operation-analysis.js';
import type { SupergraphModel } from '../supergraph/supergraph-model.js';
import { introspectionGate } from './introspection-gate.js';
import type { PolicyEngine } from './types.js';

let model: SupergraphModel;
let engine: PolicyEngine;
const compile = () => referenceEngine(model);
beforeAll(() => {
  model = referenceModel();
  engine = compile();
});

const analysisOf = (query: string, on: PolicyEngine = engine) => {
  const document = parse(query);
  const operation = document.definitions.find(
    (d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION,
  )!;
  return analyseOperation(on.schema, document, operation);
};
const REQUEST = { operationName: null, variables: undefined };

const TYPE = '{ __type(name: "Customer") { fields { name } } }';
const MIXED = '{ __schema { queryType { name } } customer(id: "1") { id } }';
const DATA = '{ customer(id: "1") { name } }';

async function fieldNames(gate: ReturnType<typeof introspectionGate>, who: Principal) {
  const result = await gate.answer(engine, who, analysisOf(TYPE), REQUEST);
  return (result?.data as { __type: { fields: { name: string }[] } }).__type.fields.map((f) => f.name);
}

describe('introspectionGate', () => {
  it('filtered: answers from the schema without what the principal may not read', async () => {
    const gate = introspectionGate('filtered', 10);
    expect(await fieldNames(gate, ANONYMOUS)).toEqual([
      'id',
      'name',
      'country',
      'segment',
      'createdAt',
      'orders',
    ]);
    expect(await fieldNames(gate, principal('ana', ['analyst']))).toEqual([
      'id',
      'name',
      'email',
      'birthDate',
      'country',
      'segment',
      'createdAt',
      'orders',
    ]);
  });

  it('runs the operation the request names, with its variables', async () => {
    const gate = introspectionGate('filtered', 10);
    const document = parse('query A { __typename } query T($name: String!) { __type(name: $name) { name } }');
    const t = document.definitions[1] as OperationDefinitionNode;
    const result = await gate.answer(engine, ANONYMOUS, analyseOperation(engine.schema, document, t), {
      operationName: 'T',
      variables: { name: 'Order' },
    });
    expect(result).toEqual({ data: { __type: { name: 'Order' } } });
  });

  it('lets everything else through: data operations, __typename, and all of it when full', () => {
    for (const mode of ['filtered', 'full', 'off'] as const) {
      const gate = introspectionGate(mode, 10);
      expect(gate.answer(engine, ANONYMOUS, analysisOf(DATA), REQUEST)).toBeUndefined();
      expect(gate.answer(engine, ANONYMOUS, analysisOf('{ __typename }'), REQUEST)).toBeUndefined();
    }
    const full = introspectionGate('full', 10);
    expect(full.answer(engine, ANONYMOUS, analysisOf(TYPE), REQUEST)).toBeUndefined();
    expect(full.answer(engine, ANONYMOUS, analysisOf(MIXED), REQUEST)).toBeUndefined();
  });

  it('refuses introspection mixed with data fields (400): the gateway would answer it unfiltered', () => {
    const gate = introspectionGate('filtered', 10);
    expect(() => gate.answer(engine, ANONYMOUS, analysisOf(MIXED), REQUEST)).toThrow(
      expect.objectContaining({
        message: 'Send introspection (__schema, __type) apart from data fields',
        extensions: expect.objectContaining({
          code: 'BAD_USER_INPUT',
          http: expect.objectContaining({ status: 400 }),
        }),
      }),
    );
  });

  it('off: refuses any introspection (403), mixed or not', () => {
    const gate = introspectionGate('off', 10);
    for (const query of [TYPE, MIXED])
      expect(() => gate.answer(engine, ANONYMOUS, analysisOf(query), REQUEST)).toThrow(
        expect.objectContaining({
          message: 'Introspection is disabled (POLICY_INTROSPECTION=off)',
          extensions: expect.objectContaining({
            code: 'UNAUTHORIZED_FIELD_OR_TYPE',
            http: expect.objectContaining({ status: 403 }),
          }),
        }),
      );
  });

  it('filters a schema once per principal key, the most recently used ones, per engine', () => {
    // Identity only: a failing toBe on two schemas would print both.
    const gate = introspectionGate('filtered', 1);
    const ana = gate.schemaFor(engine, principal('ana', ['analyst']));
    // Another analyst reads what ana reads: the same schema.
    expect(gate.schemaFor(engine, principal('bob', ['analyst'])) === ana).toBe(true);
    const anonymous = gate.schemaFor(engine, ANONYMOUS);
    expect(anonymous === ana).toBe(false);
    expect(gate.schemaFor(engine, ANONYMOUS) === anonymous).toBe(true);
    // Room for one: ana's was dropped for the anonymous one.
    expect(gate.schemaFor(engine, principal('ana', ['analyst'])) === ana).toBe(false);
    const reloaded = compile();
    expect(gate.schemaFor(reloaded, ANONYMOUS) === gate.schemaFor(engine, ANONYMOUS)).toBe(false);
  });
});

import { parse, type OperationDefinitionNode } from 'graphql';
import { beforeAll, describe, expect, it } from 'vitest';
import { principal, referenceEngine, referenceModel } from '../../test/support/reference-policy.js';
import type { Principal } from '../common/types.js';
import { ANONYMOUS } from '../auth/anonymous.js';
import { analyseOperation } from '../operation/operation-analysis.js';
import type { SupergraphModel } from '../supergraph/supergraph-model.js';
import { authorizationCache } from './authorization-cache.js';
import type { PolicyEngine } from './types.js';

let model: SupergraphModel;
let engine: PolicyEngine;
const compile = () => referenceEngine(model);
beforeAll(() => {
  model = referenceModel();
  engine = compile();
});

const QUERY = 'query Contact { customer(id: "4219") { name email phone } }';
const analyst = (sub: string): Principal => principal(sub, ['analyst']);
const request = (queryHash = 'h1', operationName: string | null = 'Contact') => ({
  queryHash,
  operationName,
  source: QUERY,
});
const analysisFor = (on: PolicyEngine) => {
  const document = parse(QUERY);
  return analyseOperation(on.schema, document, document.definitions[0] as OperationDefinitionNode);
};

describe('authorizationCache', () => {
  it('authorizes once per (operation, principal key): principals the rules cannot tell apart share it', () => {
    const cache = authorizationCache(10);
    const analysis = analysisFor(engine);
    const ana = cache.authorize(engine, analyst('ana'), analysis, request());
    expect(ana.denied.get('Customer.phone')).toBe('analyst-no-phone');
    // Another analyst, and another parse of the same operation: the same authorization and decisions.
    const again = cache.authorize(engine, analyst('bob'), analysisFor(engine), request());
    expect(again).toBe(ana);
    expect(again.decisions).toBe(ana.decisions);
    expect(cache.authorize(engine, ANONYMOUS, analysis, request())).not.toBe(ana);
  });

  it('keys by query hash and operation name too', () => {
    const cache = authorizationCache(10);
    const analysis = analysisFor(engine);
    const first = cache.authorize(engine, ANONYMOUS, analysis, request('h1'));
    expect(cache.authorize(engine, ANONYMOUS, analysis, request('h2'))).not.toBe(first);
    expect(cache.authorize(engine, ANONYMOUS, analysis, request('h1', null))).not.toBe(first);
    expect(cache.authorize(engine, ANONYMOUS, analysis, request('h1'))).toBe(first);
  });

  it('keeps the most recently used ones only', () => {
    const cache = authorizationCache(1);
    const analysis = analysisFor(engine);
    const anonymous = cache.authorize(engine, ANONYMOUS, analysis, request());
    cache.authorize(engine, analyst('ana'), analysis, request());
    const recomputed = cache.authorize(engine, ANONYMOUS, analysis, request());
    expect(recomputed).not.toBe(anonymous);
    expect(recomputed.decisions).toEqual(anonymous.decisions);
  });

  it('starts afresh with a new engine (a supergraph reload)', () => {
    const cache = authorizationCache(10);
    const before = cache.authorize(engine, ANONYMOUS, analysisFor(engine), request());
    const reloaded = compile();
    const after = cache.authorize(reloaded, ANONYMOUS, analysisFor(reloaded), request());
    expect(after).not.toBe(before);
    expect(cache.authorize(engine, ANONYMOUS, analysisFor(engine), request())).toBe(before);
  });
});

import { createHash } from 'node:crypto';
import type { GatewayExecutor, GatewayGraphQLRequestContext } from '@apollo/server-gateway-interface';
import { execute, parse, print, type GraphQLSchema, type OperationDefinitionNode } from 'graphql';
import { beforeAll, describe, expect, it } from 'vitest';
import { ORDER_22_CUSTOMER } from '../../test/support/order-22.js';
import { referenceEngine, referenceModel } from '../../test/support/reference-policy.js';
import type { FieldDecision, Principal } from '../common/types.js';
import { ANONYMOUS } from '../auth/anonymous.js';
import { analyseOperation } from '../operation/operation-analysis.js';
import { RequestState, stageRunner } from '../pipeline/index.js';
import { authorizationCache } from './authorization-cache.js';
import { introspectionGate } from './introspection-gate.js';
import { createMasker } from './mask-value.js';
import { policyExecutor, type PolicyExecutorOptions } from './policy-executor.js';
import type { PolicyEngine } from './types.js';
import { ANALYST } from '../../test/support/principal.js';

/**
 * The executor wrapper around a stand-in for the gateway's executor: it runs the operation it
 * is handed against the API schema over one customer, so what the wrapper removed before
 * planning is absent from the response, as with the real gateway.
 */
let schema: GraphQLSchema;
let engine: PolicyEngine;
beforeAll(() => {
  const model = referenceModel();
  schema = model.apiSchema;
  engine = referenceEngine(model);
});

const CUSTOMER = ORDER_22_CUSTOMER;
const analyst = ANALYST;
const steward: Principal = {
  sub: 'stew',
  anonymous: false,
  roles: ['data-steward'],
  scopes: [],
  teams: [],
  attributes: {},
};

/** The wrapped executor: records what it was handed, answers from CUSTOMER. */
function standIn() {
  const handed: GatewayGraphQLRequestContext[] = [];
  const executor: GatewayExecutor = async (requestContext) => {
    handed.push(requestContext);
    const result = await execute({
      schema,
      document: requestContext.document,
      operationName: requestContext.operationName,
      variableValues: requestContext.request.variables ?? {},
      rootValue: { customer: () => ({ ...CUSTOMER }) },
    });
    return JSON.parse(JSON.stringify(result)) as Awaited<ReturnType<GatewayExecutor>>;
  };
  return { executor, handed };
}

function wrapped(overrides: Partial<PolicyExecutorOptions> = {}) {
  const { executor, handed } = standIn();
  // Through the runner, as the gateway runs it: the stage's authorize hook around the executor.
  const runner = stageRunner([
    {
      name: 'policy',
      authorize: policyExecutor({
        mode: 'enforce',
        engine: () => engine,
        introspection: introspectionGate('filtered', 10),
        authorizations: authorizationCache(10),
        mask: createMasker(Buffer.from('meshgate-test-hash-key')),
        ...overrides,
      }),
    },
  ]);
  return { policy: runner.wrapExecutor(executor), handed };
}

/** The members of Apollo Server's request context the executor reads, with the request's state. */
function requestFor(
  query: string,
  principal: Principal,
  { variables = {} }: { variables?: Record<string, unknown> } = {},
) {
  const document = parse(query);
  const operation = document.definitions[0] as OperationDefinitionNode;
  const queryHash = createHash('sha256').update(query).digest('hex');
  const state = new RequestState('r', { name: undefined, version: undefined });
  state.principal = principal;
  state.operation = {
    document,
    definition: operation,
    name: operation.name?.value ?? null,
    type: operation.operation,
    hash: queryHash,
    analysis: analyseOperation(schema, document, operation),
  };
  const requestContext = {
    request: { query, variables },
    document,
    source: query,
    queryHash,
    operationName: operation.name?.value ?? null,
    operation,
    context: state,
  };
  return requestContext as unknown as GatewayGraphQLRequestContext & { context: RequestState };
}

const CONTACT = '{ customer(id: "4219") { name email phone } }';

describe('policyExecutor', () => {
  it('enforce: plans the operation without the denied field, then masks and nulls the response', async () => {
    const { policy, handed } = wrapped();
    const request = requestFor(CONTACT, analyst);
    const result = await policy(request);
    expect(result.data).toEqual({
      customer: { name: 'Tim Dijkstra', email: 'h:4abac5050441466c', phone: null },
    });
    expect(result.errors?.map((e) => [e.message, e.path, e.extensions])).toEqual([
      [
        'Not authorized to read Customer.phone (rule analyst-no-phone)',
        ['customer', 'phone'],
        { code: 'UNAUTHORIZED_FIELD_OR_TYPE', coordinate: 'Customer.phone', rule: 'analyst-no-phone' },
      ],
    ]);
    // The planner got an operation of its own: its own source and hash, so no plan is shared.
    const [planned] = handed;
    const source = '{\n  customer(id: "4219") {\n    name\n    email\n  }\n}';
    expect(planned).toMatchObject({ source, request: { query: source } });
    expect(planned?.queryHash).toBe(createHash('sha256').update(source).digest('hex'));
    expect(print(planned!.document)).toBe(source);
    expect(planned?.operation).toBe(planned?.document.definitions[0]);
    // The decisions go on the context, for lineage and the metrics.
    expect(request.context.decisions?.map((d: FieldDecision) => `${d.coordinate} ${d.effect}`)).toEqual([
      'Query.customer allow',
      'Customer.name allow',
      'Customer.email mask',
      'Customer.phone deny',
    ]);
  });

  it('shares one decisions array among the requests of one operation × principal key', async () => {
    const { policy } = wrapped();
    const first = requestFor(CONTACT, analyst);
    const second = requestFor(CONTACT, { ...analyst, sub: 'bob' });
    await policy(first);
    await policy(second);
    expect(second.context.decisions).toBe(first.context.decisions);
  });

  it('hands an operation nothing is denied in to the gateway as it came, and its response back untouched', async () => {
    const { policy, handed } = wrapped();
    const request = requestFor(CONTACT, steward);
    const result = await policy(request);
    expect(handed).toEqual([request]);
    expect(handed[0]).toBe(request);
    expect(result).toEqual({
      data: { customer: { name: 'Tim Dijkstra', email: CUSTOMER.email, phone: CUSTOMER.phone } },
    });
    // Another parse of the same text (Apollo's document store dropped it): still passed as it came.
    const reparsed = requestFor(CONTACT, steward);
    await policy(reparsed);
    expect(handed[1]).toBe(reparsed);
  });

  it('masks along @include/@skip as the variables (with their defaults) say', async () => {
    const { policy } = wrapped();
    const query =
      'query Q($withPhone: Boolean = true) { customer(id: "4219") { name phone @include(if: $withPhone) } }';
    const byDefault = await policy(requestFor(query, analyst));
    expect(byDefault.data).toEqual({ customer: { name: 'Tim Dijkstra', phone: null } });
    expect(byDefault.errors?.map((e) => e.path)).toEqual([['customer', 'phone']]);
    const without = await policy(requestFor(query, analyst, { variables: { withPhone: false } }));
    expect(without).toEqual({ data: { customer: { name: 'Tim Dijkstra' } } });
  });

  it('reject: 403 naming every denied coordinate and rule; an allowed operation is served', async () => {
    const { policy, handed } = wrapped({ mode: 'reject' });
    await expect(policy(requestFor(CONTACT, analyst))).rejects.toMatchObject({
      message: 'The operation reads what the principal may not: Customer.phone (rule analyst-no-phone)',
      extensions: {
        code: 'UNAUTHORIZED_FIELD_OR_TYPE',
        denied: [{ coordinate: 'Customer.phone', rule: 'analyst-no-phone' }],
        http: { status: 403 },
      },
    });
    expect(handed).toEqual([]);
    const allowed = await policy(requestFor('{ customer(id: "4219") { name email } }', analyst));
    expect(allowed).toEqual({ data: { customer: { name: 'Tim Dijkstra', email: 'h:4abac5050441466c' } } });
  });

  it('dry-run: runs the operation unchanged and reports the decisions in extensions.policy', async () => {
    const { policy, handed } = wrapped({ mode: 'dry-run' });
    const request = requestFor('{ customer(id: "4219") { name email } }', ANONYMOUS);
    const result = await policy(request);
    expect(handed[0]).toBe(request);
    expect(result).toEqual({
      data: { customer: { name: 'Tim Dijkstra', email: CUSTOMER.email } },
      extensions: {
        policy: {
          mode: 'dry-run',
          decisions: [
            { coordinate: 'Query.customer', effect: 'allow', rule: null },
            { coordinate: 'Customer.name', effect: 'allow', rule: 'customer-name-shown' },
            { coordinate: 'Customer.email', effect: 'deny', rule: 'default-deny:pii' },
          ],
        },
      },
    });
    expect(request.context.decisions).toBe((result.extensions?.policy as { decisions: unknown }).decisions);
  });

  it('answers introspection at the gate, never asking the gateway', async () => {
    const { policy, handed } = wrapped();
    const result = await policy(requestFor('{ __type(name: "Customer") { fields { name } } }', ANONYMOUS));
    expect(
      (result.data as { __type: { fields: { name: string }[] } }).__type.fields.map((f) => f.name),
    ).toEqual(['id', 'name', 'country', 'segment', 'createdAt', 'orders']);
    await expect(
      policy(requestFor('{ __schema { queryType { name } } customer(id: "1") { id } }', ANONYMOUS)),
    ).rejects.toMatchObject({ extensions: { code: 'BAD_USER_INPUT' } });
    expect(handed).toEqual([]);
  });

  it("reads the principal from the request's state and sets its decisions and row filters", async () => {
    const { policy } = wrapped();
    const request = requestFor(CONTACT, ANONYMOUS);
    const result = await policy(request);
    expect(result.data).toEqual({ customer: { name: 'Tim Dijkstra', email: null, phone: null } });
    expect(request.context.decisions.map((d) => `${d.coordinate} ${d.effect}`)).toContain(
      'Customer.email deny',
    );
    expect(request.context.rowFilters.applied).toEqual([]);
  });

  it('refuses to run without policies', async () => {
    const { policy } = wrapped({ engine: () => undefined });
    await expect(policy(requestFor(CONTACT, steward))).rejects.toMatchObject({
      message: 'policies are not loaded',
      extensions: { code: 'INTERNAL_SERVER_ERROR' },
    });
  });
});

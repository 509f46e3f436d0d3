import { createHash } from 'node:crypto';
import type { GatewayExecutor, GatewayGraphQLRequestContext } from '@apollo/server-gateway-interface';
import { execute, parse, type OperationDefinitionNode } from 'graphql';
import { beforeAll, describe, expect, it } from 'vitest';
import type { PolicyConfig } from '../auth/security-config.js';
import { createLogger } from '../common/logger.js';
import type { Principal } from '../common/types.js';
import { analyseOperation } from '../operation/operation-analysis.js';
import { RequestState, stageRunner, type StageRunner } from '../pipeline/index.js';
import { readSupergraphFile } from '../supergraph/read-supergraph-file.js';
import { supergraphModel, type SupergraphModel } from '../supergraph/supergraph-model.js';
import { readPolicyFiles } from './policy-file.js';
import { usePolicy, type UsePolicyOptions } from './use-policy.js';
import type { PolicyRule } from './types.js';
import { ANALYST } from '../../test/support/principal.js';

/** The policy stage in memory, through the runner as the gateway runs it: schema loads and an executor. */
let model: SupergraphModel;
let rules: readonly PolicyRule[];
beforeAll(() => {
  model = supergraphModel(readSupergraphFile('schema/supergraph.graphql'));
  rules = readPolicyFiles('policies');
});

const CUSTOMER = { name: 'Tim Dijkstra', email: 'tim.dijkstra4219@example.com', phone: '+49 30 3410261' };
const analyst = ANALYST;

/** The gateway's executor, standing in: answers from CUSTOMER over the API schema. */
function standIn() {
  const calls = { executed: 0 };
  const executor: GatewayExecutor = async (requestContext) => {
    calls.executed += 1;
    const result = await execute({
      schema: model.apiSchema,
      document: requestContext.document,
      rootValue: { customer: () => ({ ...CUSTOMER }) },
    });
    return JSON.parse(JSON.stringify(result)) as Awaited<ReturnType<GatewayExecutor>>;
  };
  return { executor, calls };
}

const policy = (overrides: Partial<PolicyConfig> = {}): PolicyConfig => ({
  enabled: true,
  dir: 'policies',
  mode: 'enforce',
  introspection: 'filtered',
  hashKey: 'meshgate-test-hash-key',
  ...overrides,
});
const options = (overrides: Partial<UsePolicyOptions> = {}): UsePolicyOptions => ({
  policy: policy(),
  stateDir: '.meshgate-unused',
  logger: createLogger('silent'),
  rules,
  ...overrides,
});

/** The stage run by a runner, the first supergraph loaded. */
function loaded(overrides: Partial<UsePolicyOptions> = {}): {
  runner: StageRunner;
  run: GatewayExecutor;
  calls: { executed: number };
} {
  const runner = stageRunner([usePolicy(options(overrides))]);
  runner.schemaChanged(model);
  const { executor, calls } = standIn();
  return { runner, run: runner.wrapExecutor(executor), calls };
}

function requestFor(query: string, principal: Principal) {
  const document = parse(query);
  const operation = document.definitions[0] as OperationDefinitionNode;
  const hash = createHash('sha256').update(query).digest('hex');
  const state = new RequestState('r', { name: undefined, version: undefined });
  state.principal = principal;
  state.operation = {
    document,
    definition: operation,
    name: null,
    type: operation.operation,
    hash,
    analysis: analyseOperation(model.apiSchema, document, operation),
  };
  return {
    request: { query, variables: {} },
    document,
    source: query,
    queryHash: hash,
    operationName: null,
    operation,
    context: state,
  } as unknown as GatewayGraphQLRequestContext & { context: RequestState };
}

const CONTACT = '{ customer(id: "4219") { name email phone } }';
const unknownCoordinate: PolicyRule = {
  id: 'gone',
  description: 'a rule for another supergraph',
  file: 'other.yaml',
  fields: ['Customer.fax'],
  classifications: [],
  when: undefined,
  effect: 'deny',
  strategy: undefined,
};

describe('usePolicy', () => {
  it('compiles the policies on the first schema load and wraps the executor: authorize, execute, mask', async () => {
    const { run, calls } = loaded();
    const result = await run(requestFor(CONTACT, analyst));
    expect(calls).toEqual({ executed: 1 });
    expect(result.data).toEqual({
      customer: { name: 'Tim Dijkstra', email: 'h:4abac5050441466c', phone: null },
    });
    expect(result.errors?.map((e) => e.extensions?.rule)).toEqual(['analyst-no-phone']);
  });

  it('takes the mode and the introspection setting from the policy config', async () => {
    const dryRun = loaded({ policy: policy({ mode: 'dry-run' }) });
    const reported = await dryRun.run(requestFor(CONTACT, analyst));
    expect(reported.data).toEqual({ customer: CUSTOMER });
    expect(reported.extensions?.policy).toMatchObject({ mode: 'dry-run' });
    const off = loaded({ policy: policy({ introspection: 'off' }) });
    await expect(off.run(requestFor('{ __schema { queryType { name } } }', analyst))).rejects.toMatchObject({
      extensions: { code: 'UNAUTHORIZED_FIELD_OR_TYPE' },
    });
  });

  it('refuses the first supergraph when the policies do not compile (the gateway refuses to start)', () => {
    const runner = stageRunner([usePolicy(options({ rules: [unknownCoordinate] }))]);
    expect(() => runner.schemaChanged(model)).toThrow(
      expect.objectContaining({
        name: 'StartupError',
        code: 'POLICY_INVALID',
        message: expect.stringMatching(
          /^invalid policy other\.yaml: rule "gone": unknown coordinate Customer\.fax/,
        ),
      }),
    );
  });

  it('keeps the previous policies when a reload does not compile, and starts afresh on one that does', async () => {
    const { runner, run } = loaded();
    const before = requestFor(CONTACT, analyst);
    await run(before);
    const broken = Object.create(model, {
      apiSchema: {
        get() {
          throw new Error('Syntax Error');
        },
      },
    }) as SupergraphModel;
    runner.schemaChanged(broken);
    const kept = requestFor(CONTACT, analyst);
    expect((await run(kept)).data).toEqual({
      customer: { name: 'Tim Dijkstra', email: 'h:4abac5050441466c', phone: null },
    });
    expect(kept.context.decisions).toBe(before.context.decisions);
    runner.schemaChanged(supergraphModel(model.sdl, { apiSchema: model.apiSchema }));
    const after = requestFor(CONTACT, analyst);
    await run(after);
    expect(after.context.decisions).not.toBe(before.context.decisions);
    expect(after.context.decisions).toEqual(before.context.decisions);
  });

  it('is a stage with no hooks when MESHGATE_POLICY=off', () => {
    const off = usePolicy(options({ policy: policy({ enabled: false }) }));
    expect(off.name).toBe('policy');
    expect(off.authorize).toBeUndefined();
    expect(off.onSchemaChange).toBeUndefined();
    expect(off.engine()).toBeUndefined();
  });
});

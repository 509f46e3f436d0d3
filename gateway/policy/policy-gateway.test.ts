import { createHash } from 'node:crypto';
import type {
  GatewayExecutor,
  GatewayGraphQLRequestContext,
  GatewayInterface,
  GatewaySchemaLoadOrUpdateCallback,
} from '@apollo/server-gateway-interface';
import { execute, parse, type GraphQLSchema, type OperationDefinitionNode } from 'graphql';
import { beforeAll, describe, expect, it } from 'vitest';
import type { PolicyConfig } from '../auth/security-config.js';
import { createLogger } from '../common/logger.js';
import type { Principal } from '../common/types.js';
import type { GatewayContext } from '../http/context.js';
import { readSupergraphFile } from '../supergraph/read-supergraph-file.js';
import { supergraphModel } from '../supergraph/supergraph-model.js';
import { usePolicy, type PolicyOptions } from './policy-gateway.js';
import type { PolicyRule } from './types.js';

/** `usePolicy` over a fake of the gateway it wraps: schema loads to emit, an executor to call. */
let sdl: string;
beforeAll(() => {
  sdl = readSupergraphFile('schema/supergraph.graphql');
});

const CUSTOMER = { name: 'Tim Dijkstra', email: 'tim.dijkstra4219@example.com', phone: '+49 30 3410261' };
const analyst: Principal = { sub: 'ana', anonymous: false, roles: ['analyst'], scopes: [], attributes: {} };

function fakeGateway({ stopFails = false } = {}) {
  const listeners = new Set<GatewaySchemaLoadOrUpdateCallback>();
  let schema: GraphQLSchema | undefined;
  const calls = { loads: 0, stops: 0, executed: 0 };
  const emit = (coreSupergraphSdl: string) => {
    schema = coreSupergraphSdl.includes('join__Graph')
      ? supergraphModel(coreSupergraphSdl).apiSchema
      : schema;
    for (const listener of listeners) listener({ apiSchema: schema!, coreSupergraphSdl });
  };
  const executor: GatewayExecutor = async (requestContext) => {
    calls.executed += 1;
    const result = await execute({
      schema: schema!,
      document: requestContext.document,
      rootValue: { customer: () => ({ ...CUSTOMER }) },
    });
    return JSON.parse(JSON.stringify(result)) as Awaited<ReturnType<GatewayExecutor>>;
  };
  const gateway: GatewayInterface = {
    onSchemaLoadOrUpdate(callback) {
      listeners.add(callback);
      return () => listeners.delete(callback);
    },
    async load() {
      calls.loads += 1;
      emit(sdl);
      return { executor };
    },
    async stop() {
      calls.stops += 1;
      if (stopFails) throw new Error('already stopped');
    },
  };
  return { gateway, emit, calls, listeners };
}

const policy = (overrides: Partial<PolicyConfig> = {}): PolicyConfig => ({
  enabled: true,
  dir: 'policies',
  mode: 'enforce',
  introspection: 'filtered',
  hashKey: 'meshgate-test-hash-key',
  ...overrides,
});
const options = (overrides: Partial<PolicyOptions> = {}): PolicyOptions => ({
  policy: policy(),
  stateDir: '.meshgate-unused',
  logger: createLogger('silent'),
  ...overrides,
});

function requestFor(query: string, principal: Principal) {
  const document = parse(query);
  return {
    request: { query, variables: {} },
    document,
    source: query,
    queryHash: createHash('sha256').update(query).digest('hex'),
    operationName: null,
    operation: document.definitions[0] as OperationDefinitionNode,
    context: { requestId: 'r', principal, decisions: [], fetches: [] } satisfies Partial<GatewayContext>,
  } as unknown as GatewayGraphQLRequestContext & { context: GatewayContext };
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
    const { gateway, calls } = fakeGateway();
    const { executor } = await usePolicy(gateway, options()).load({ apollo: {} });
    const result = await executor!(requestFor(CONTACT, analyst));
    expect(calls).toMatchObject({ loads: 1, executed: 1 });
    expect(result.data).toEqual({
      customer: { name: 'Tim Dijkstra', email: 'h:4abac5050441466c', phone: null },
    });
    expect(result.errors?.map((e) => e.extensions?.rule)).toEqual(['analyst-no-phone']);
  });

  it('takes the mode and the introspection setting from the policy config', async () => {
    const dryRun = await usePolicy(
      fakeGateway().gateway,
      options({ policy: policy({ mode: 'dry-run' }) }),
    ).load({
      apollo: {},
    });
    const reported = await dryRun.executor!(requestFor(CONTACT, analyst));
    expect(reported.data).toEqual({ customer: CUSTOMER });
    expect(reported.extensions?.policy).toMatchObject({ mode: 'dry-run' });
    const off = await usePolicy(
      fakeGateway().gateway,
      options({ policy: policy({ introspection: 'off' }) }),
    ).load({
      apollo: {},
    });
    await expect(
      off.executor!(requestFor('{ __schema { queryType { name } } }', analyst)),
    ).rejects.toMatchObject({
      extensions: { code: 'UNAUTHORIZED_FIELD_OR_TYPE' },
    });
  });

  it('refuses start-up when the policies do not compile, stopping the gateway it wraps', async () => {
    const { gateway, calls } = fakeGateway({ stopFails: true });
    await expect(
      usePolicy(gateway, options({ rules: [unknownCoordinate] })).load({ apollo: {} }),
    ).rejects.toMatchObject({
      name: 'StartupError',
      code: 'POLICY_INVALID',
      message: expect.stringMatching(
        /^invalid policy other\.yaml: rule "gone": unknown coordinate Customer\.fax/,
      ),
    });
    expect(calls.stops).toBe(1);
  });

  it('keeps the previous policies when a reload does not compile, and starts afresh on one that does', async () => {
    const { gateway, emit } = fakeGateway();
    const { executor } = await usePolicy(gateway, options()).load({ apollo: {} });
    const before = requestFor(CONTACT, analyst);
    await executor!(before);
    emit('type {');
    const kept = requestFor(CONTACT, analyst);
    expect((await executor!(kept)).data).toEqual({
      customer: { name: 'Tim Dijkstra', email: 'h:4abac5050441466c', phone: null },
    });
    expect(kept.context.decisions).toBe(before.context.decisions);
    emit(sdl);
    const after = requestFor(CONTACT, analyst);
    await executor!(after);
    expect(after.context.decisions).not.toBe(before.context.decisions);
    expect(after.context.decisions).toEqual(before.context.decisions);
  });

  it('passes schema loads, stop and a missing executor through', async () => {
    const { gateway, calls, listeners } = fakeGateway();
    const wrapped = usePolicy(gateway, options());
    const seen: string[] = [];
    const unsubscribe = wrapped.onSchemaLoadOrUpdate(({ coreSupergraphSdl }) => seen.push(coreSupergraphSdl));
    await wrapped.load({ apollo: {} });
    expect(seen).toEqual([sdl]);
    unsubscribe();
    expect(listeners.size).toBe(1); // the policy stage's own
    await wrapped.stop();
    expect(calls.stops).toBe(1);
    const noExecutor: GatewayInterface = {
      ...gateway,
      async load(loadOptions) {
        await gateway.load(loadOptions);
        return { executor: null };
      },
    };
    expect((await usePolicy(noExecutor, options()).load({ apollo: {} })).executor).toBeNull();
  });
});

import type { GatewaySchemaLoadOrUpdateCallback } from '@apollo/server-gateway-interface';
import { pino } from 'pino';
import { beforeAll, describe, expect, it } from 'vitest';
import { readSupergraphFile } from '../supergraph/read-supergraph-file.js';
import { supergraphModel } from '../supergraph/supergraph-model.js';
import { engineLifecycle } from './engine-lifecycle.js';
import { readPolicyFiles } from './policy-file.js';
import type { PolicyRule } from './types.js';

/** The engine follows the supergraph: strict on the first load, keep-last-good on a reload. */
let sdl: string;
/** The committed supergraph without `Customer.phone`: a later version that dropped the field. */
let withoutPhone: string;
let rules: readonly PolicyRule[];
beforeAll(() => {
  sdl = readSupergraphFile('schema/supergraph.graphql');
  withoutPhone = sdl.replace(/\n\s*"""Contact phone number[^\n]*\n\s*phone: String[^\n]*\n/, '\n');
  rules = readPolicyFiles('policies');
});

/** The wrapped gateway's side the lifecycle sees: a schema load to emit. */
function fakeGateway() {
  const callbacks: GatewaySchemaLoadOrUpdateCallback[] = [];
  return {
    onSchemaLoadOrUpdate(callback: GatewaySchemaLoadOrUpdateCallback) {
      callbacks.push(callback);
      return () => undefined;
    },
    load(coreSupergraphSdl: string) {
      // A broken SDL has no API schema; the lifecycle fails on the SDL first.
      const apiSchema = coreSupergraphSdl.includes('join__Graph')
        ? supergraphModel(coreSupergraphSdl).apiSchema
        : supergraphModel(sdl).apiSchema;
      for (const callback of callbacks) callback({ apiSchema, coreSupergraphSdl });
      return apiSchema;
    },
  };
}

function capturedLogger() {
  const lines: { level: number; msg: string }[] = [];
  const logger = pino({ level: 'warn' }, { write: (line: string) => void lines.push(JSON.parse(line)) });
  return { logger, lines };
}

const rule = (id: string, fields: string[]): PolicyRule => ({
  id,
  description: 'a rule',
  file: 'test.yaml',
  fields,
  classifications: [],
  when: undefined,
  effect: 'deny',
  strategy: undefined,
});

describe('engineLifecycle', () => {
  it('has no engine before a schema load, and says so', () => {
    const lifecycle = engineLifecycle(fakeGateway(), { rules, logger: capturedLogger().logger });
    expect(lifecycle.current()).toBeUndefined();
    expect(lifecycle.startupFailure()).toMatchObject({
      name: 'StartupError',
      code: 'POLICY_INVALID',
      message: 'policies cannot be compiled: undefined',
    });
  });

  it('compiles the policies against the API schema of each load', () => {
    const gateway = fakeGateway();
    const lifecycle = engineLifecycle(gateway, { rules, logger: capturedLogger().logger });
    const apiSchema = gateway.load(sdl);
    const engine = lifecycle.current();
    expect(engine?.schema).toBe(apiSchema);
    expect(engine?.rules).toHaveLength(rules.length);
  });

  it('first load: a rule naming a coordinate the supergraph lacks refuses start-up', () => {
    const gateway = fakeGateway();
    const lifecycle = engineLifecycle(gateway, {
      rules: [rule('no-phone', ['Customer.phone'])],
      logger: capturedLogger().logger,
    });
    gateway.load(withoutPhone);
    expect(lifecycle.current()).toBeUndefined();
    expect(lifecycle.startupFailure()).toMatchObject({ name: 'StartupError', code: 'POLICY_INVALID' });
    expect(lifecycle.startupFailure().message).toMatch(
      /^invalid policy test\.yaml: rule "no-phone": unknown coordinate Customer\.phone: Customer has no field phone/,
    );
  });

  it('first load: what does not compile at all is wrapped as POLICY_INVALID', () => {
    const gateway = fakeGateway();
    const lifecycle = engineLifecycle(gateway, { rules, logger: capturedLogger().logger });
    gateway.load('type {');
    expect(lifecycle.current()).toBeUndefined();
    const failure = lifecycle.startupFailure();
    expect(failure).toMatchObject({ code: 'POLICY_INVALID' });
    expect(failure.message).toMatch(/^policies cannot be compiled: .*Syntax Error/);
    expect(failure.cause).toBeInstanceOf(Error);
  });

  it('reload: a rule whose coordinate vanished is skipped with a warning, the rest enforced by a new engine', () => {
    const gateway = fakeGateway();
    const { logger, lines } = capturedLogger();
    const lifecycle = engineLifecycle(gateway, {
      rules: [rule('no-phone', ['Customer.phone']), rule('no-email', ['Customer.email'])],
      logger,
    });
    gateway.load(sdl);
    const first = lifecycle.current();
    expect(first?.rules.map((r) => r.id)).toEqual(['no-phone', 'no-email']);
    gateway.load(withoutPhone);
    const second = lifecycle.current();
    expect(second).not.toBe(first);
    expect(second?.rules.map((r) => r.id)).toEqual(['no-email']);
    expect(lines.map((l) => [l.level, l.msg])).toEqual([
      [
        40,
        'policy test.yaml: rule "no-phone" skipped: unknown coordinate Customer.phone: Customer has no field phone',
      ],
    ]);
  });

  it('reload: policies that do not compile against the new supergraph keep the previous engine', () => {
    const gateway = fakeGateway();
    const { logger, lines } = capturedLogger();
    const lifecycle = engineLifecycle(gateway, { rules, logger });
    gateway.load(sdl);
    const good = lifecycle.current();
    gateway.load('type {');
    expect(lifecycle.current()).toBe(good);
    expect(lines.map((l) => [l.level, l.msg])).toEqual([
      [50, 'policies do not compile against the new supergraph; keeping the previous ones'],
    ]);
  });
});

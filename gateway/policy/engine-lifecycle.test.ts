import { pino } from 'pino';
import { beforeAll, describe, expect, it } from 'vitest';
import { readSupergraphFile } from '../supergraph/read-supergraph-file.js';
import { supergraphModel, type SupergraphModel } from '../supergraph/supergraph-model.js';
import { engineLifecycle, type EngineLifecycle } from './engine-lifecycle.js';
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

/** A supergraph load, as the runner hands it to the stage: its one model. */
function load(lifecycle: EngineLifecycle, coreSupergraphSdl: string) {
  const model = supergraphModel(coreSupergraphSdl);
  lifecycle.schemaChanged(model);
  return model.apiSchema;
}

/** A load whose API schema cannot be derived: nothing the policies could compile against. */
function loadBroken(lifecycle: EngineLifecycle) {
  const broken = Object.create(supergraphModel(sdl), {
    apiSchema: {
      get() {
        throw new Error('Syntax Error: Expected Name, found "{".');
      },
    },
  }) as SupergraphModel;
  lifecycle.schemaChanged(broken);
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
  it('has no engine before a schema load', () => {
    const lifecycle = engineLifecycle({ rules, logger: capturedLogger().logger });
    expect(lifecycle.current()).toBeUndefined();
  });

  it('compiles the policies against the API schema of each load', () => {
    const lifecycle = engineLifecycle({ rules, logger: capturedLogger().logger });
    const apiSchema = load(lifecycle, sdl);
    const engine = lifecycle.current();
    expect(engine?.schema).toBe(apiSchema);
    expect(engine?.rules).toHaveLength(rules.length);
  });

  it('first load: a rule naming a coordinate the supergraph lacks refuses start-up', () => {
    const lifecycle = engineLifecycle({
      rules: [rule('no-phone', ['Customer.phone'])],
      logger: capturedLogger().logger,
    });
    let failure: unknown;
    try {
      load(lifecycle, withoutPhone);
    } catch (error) {
      failure = error;
    }
    expect(lifecycle.current()).toBeUndefined();
    expect(failure).toMatchObject({ name: 'StartupError', code: 'POLICY_INVALID' });
    expect((failure as Error).message).toMatch(
      /^invalid policy test\.yaml: rule "no-phone": unknown coordinate Customer\.phone: Customer has no field phone/,
    );
  });

  it('first load: what does not compile at all is wrapped as POLICY_INVALID', () => {
    const lifecycle = engineLifecycle({ rules, logger: capturedLogger().logger });
    let failure: unknown;
    try {
      loadBroken(lifecycle);
    } catch (error) {
      failure = error;
    }
    expect(lifecycle.current()).toBeUndefined();
    expect(failure).toMatchObject({ code: 'POLICY_INVALID' });
    expect((failure as Error).message).toMatch(/^policies cannot be compiled: .*Syntax Error/);
    expect((failure as Error).cause).toBeInstanceOf(Error);
  });

  it('reload: a rule whose coordinate vanished is skipped with a warning, the rest enforced by a new engine', () => {
    const { logger, lines } = capturedLogger();
    const lifecycle = engineLifecycle({
      rules: [rule('no-phone', ['Customer.phone']), rule('no-email', ['Customer.email'])],
      logger,
    });
    load(lifecycle, sdl);
    const first = lifecycle.current();
    expect(first?.rules.map((r) => r.id)).toEqual(['no-phone', 'no-email']);
    load(lifecycle, withoutPhone);
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
    const { logger, lines } = capturedLogger();
    const lifecycle = engineLifecycle({ rules, logger });
    load(lifecycle, sdl);
    const good = lifecycle.current();
    loadBroken(lifecycle);
    expect(lifecycle.current()).toBe(good);
    expect(lines.map((l) => [l.level, l.msg])).toEqual([
      [50, 'policies do not compile against the new supergraph; keeping the previous ones'],
    ]);
  });
});

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readSupergraphFile } from '../supergraph/read-supergraph-file.js';
import { indexSupergraphSdl } from './offline-engine.js';
import { compilePolicy } from './policy-engine.js';
import { readPolicyFiles } from './policy-file.js';
import type { SchemaIndex } from './schema-index.js';

/** Each kind of bad policy file refuses start-up with POLICY_INVALID, naming the file, the rule and the reason. */
let index: SchemaIndex;
const dirs: string[] = [];
beforeAll(async () => {
  index = await indexSupergraphSdl(readSupergraphFile('schema/supergraph.graphql'));
});
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

function policyDir(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'meshgate-policy-'));
  dirs.push(dir);
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

const header = 'apiVersion: meshgate/v1\nkind: Policy\nowner: test\nrules:\n';
const rule = (body: string) => `${header}  - id: r1\n    description: a rule\n${body}`;
const load = (files: Record<string, string>) =>
  compilePolicy({ rules: readPolicyFiles(policyDir(files)), index, strict: true });

const cases: [string, Record<string, string>, string][] = [
  [
    'an unknown type',
    { 'a.yaml': rule('    fields: [Custmer.email]\n    effect: deny\n') },
    'invalid policy a.yaml: rule "r1": unknown coordinate Custmer.email: no object or interface type Custmer',
  ],
  [
    'an unknown field',
    { 'a.yaml': rule('    fields: [Customer.emial]\n    effect: deny\n') },
    'invalid policy a.yaml: rule "r1": unknown coordinate Customer.emial: Customer has no field emial',
  ],
  [
    'a malformed coordinate',
    { 'a.yaml': rule('    fields: [customer]\n    effect: deny\n') },
    'invalid policy a.yaml: rule "r1": "customer" is not a Type.field or Type.* coordinate',
  ],
  [
    'an unknown classification',
    { 'a.yaml': rule('    classifications: [secret]\n    effect: allow\n') },
    'invalid policy a.yaml: rule "r1": unknown classification "secret" (known: pii, pci, confidential)',
  ],
  [
    'a bad expression',
    { 'a.yaml': rule('    fields: [Customer.email]\n    when: "\'analyst\' in"\n    effect: allow\n') },
    `invalid policy a.yaml: rule "r1": bad expression "'analyst' in": `,
  ],
  [
    'an expression over unknown principal fields',
    { 'a.yaml': rule('    fields: [Customer.email]\n    when: "principal.rolez == 1"\n    effect: allow\n') },
    'invalid policy a.yaml: rule "r1": bad expression "principal.rolez == 1"',
  ],
  [
    'a non-boolean expression',
    { 'a.yaml': rule('    fields: [Customer.email]\n    when: "principal.sub"\n    effect: allow\n') },
    'invalid policy a.yaml: rule "r1": expression "principal.sub" is string, not bool',
  ],
  [
    'a duplicate rule id across files',
    {
      'a.yaml': rule('    fields: [Customer.email]\n    effect: allow\n'),
      'b.yaml': rule('    fields: [Customer.phone]\n    effect: allow\n'),
    },
    'invalid policy b.yaml: rule "r1": duplicate rule id (also in a.yaml)',
  ],
  [
    'a mask without a strategy',
    { 'a.yaml': rule('    fields: [Customer.email]\n    effect: mask\n') },
    'invalid policy a.yaml: rule "r1": (root): effect mask needs a strategy',
  ],
  [
    'an unknown strategy',
    { 'a.yaml': rule('    fields: [Customer.email]\n    effect: mask\n    strategy: rot13\n') },
    'invalid policy a.yaml: rule "r1": strategy: Invalid option',
  ],
  [
    'a string strategy on a number',
    { 'a.yaml': rule('    fields: [Product.weightGrams]\n    effect: mask\n    strategy: hash\n') },
    'invalid policy a.yaml: rule "r1": strategy hash cannot mask Product.weightGrams of type Int (only null can)',
  ],
  [
    'an unknown effect',
    { 'a.yaml': rule('    fields: [Customer.email]\n    effect: permit\n') },
    'invalid policy a.yaml: rule "r1": effect: Invalid option',
  ],
  [
    'an unknown key',
    { 'a.yaml': rule('    fields: [Customer.email]\n    effect: allow\n    roles: [x]\n') },
    'invalid policy a.yaml: rule "r1": (root): Unrecognized key: "roles"',
  ],
  [
    'a bad id',
    { 'a.yaml': `${header}  - id: Bad_Id\n    description: x\n    effect: allow\n` },
    'invalid policy a.yaml: rule "Bad_Id": id: must be kebab-case',
  ],
  ['not YAML', { 'a.yaml': 'rules: [\n' }, 'invalid policy a.yaml: not YAML'],
  [
    'a wrong kind',
    { 'a.yaml': 'apiVersion: meshgate/v1\nkind: Polcy\nowner: x\nrules: []\n' },
    'invalid policy a.yaml: kind: Invalid input',
  ],
];

describe('policy validation refuses start-up', () => {
  for (const [label, files, message] of cases) {
    it(`for ${label}`, () => {
      let error: unknown;
      try {
        load(files);
      } catch (e) {
        error = e;
      }
      expect(error).toMatchObject({ name: 'StartupError', code: 'POLICY_INVALID' });
      expect((error as Error).message.startsWith(message), (error as Error).message).toBe(true);
    });
  }

  it('says to set POLICY_DIR for an unknown coordinate only: another directory fixes nothing else', () => {
    const refusal = (files: Record<string, string>) => {
      try {
        load(files);
      } catch (e) {
        return (e as Error).message;
      }
      return '';
    };
    const hint =
      ' (the policies are written for another supergraph: set POLICY_DIR to a directory of policies for this one)';
    expect(refusal({ 'a.yaml': rule('    fields: [Customer.emial]\n    effect: deny\n') })).toBe(
      `invalid policy a.yaml: rule "r1": unknown coordinate Customer.emial: Customer has no field emial${hint}`,
    );
    expect(refusal({ 'a.yaml': rule('    fields: [customer]\n    effect: deny\n') })).toBe(
      'invalid policy a.yaml: rule "r1": "customer" is not a Type.field or Type.* coordinate',
    );
  });

  it('accepts the shipped policies and lets an unknown coordinate through only on a later supergraph update', () => {
    expect(load({ 'a.yaml': rule('    fields: [Customer.email]\n    effect: allow\n') }).rules).toHaveLength(
      1,
    );
    const skipped: string[] = [];
    const engine = compilePolicy({
      rules: readPolicyFiles(policyDir({ 'a.yaml': rule('    fields: [Gone.field]\n    effect: deny\n') })),
      index,
      strict: false,
      onSkippedRule: (m) => skipped.push(m),
    });
    expect(engine.rules).toHaveLength(0);
    expect(skipped).toEqual([
      'policy a.yaml: rule "r1" skipped: unknown coordinate Gone.field: no object or interface type Gone',
    ]);
  });

  it('the shipped policies/ directory is valid', () => {
    expect(
      compilePolicy({ rules: readPolicyFiles('policies'), index, strict: true }).rules.length,
    ).toBeGreaterThanOrEqual(12);
  });
});

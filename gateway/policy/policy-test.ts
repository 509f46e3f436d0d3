import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Kind, parse as parseGraphQL, validate, type OperationDefinitionNode } from 'graphql';
import { parse } from 'yaml';
import { z } from 'zod';
import { ANONYMOUS } from '../auth/anonymous.js';
import { ErrorCode, StartupError } from '../common/errors.js';
import type { Principal } from '../common/types.js';
import { analyseOperation } from '../operation/operation-analysis.js';
import { authorizeOperation } from './authorize-operation.js';
import { MASK_STRATEGIES, type FieldDecision, type PolicyEngine } from './types.js';

/**
 * Policy test cases (`policies/*.test.yaml`), run like `opa test`: each case gives a
 * principal, an operation and the coordinates expected allowed, masked (with the strategy)
 * and denied. Only the coordinates listed are checked.
 *
 *   cases:
 *     - name: analyst reads e-mail hashed, never the phone
 *       principal: { sub: ana, roles: [analyst] }      # or: anonymous
 *       query: '{ customer(id: "1") { name email phone } }'
 *       expect:
 *         allow: [Customer.name]
 *         mask: { Customer.email: hash }
 *         deny: [Customer.phone]
 *         filter: { Customer: regional-analyst-customers }   # row filters: Type → rule
 *         unfiltered: [Order]
 */
const PrincipalSpec = z.union([
  z.literal('anonymous'),
  z
    .object({
      sub: z.string().min(1),
      roles: z.array(z.string()).default([]),
      scopes: z.array(z.string()).default([]),
      attributes: z.record(z.string(), z.union([z.string(), z.array(z.string())])).default({}),
    })
    .strict(),
]);

const TestFile = z
  .object({
    cases: z.array(
      z
        .object({
          name: z.string().min(1),
          principal: PrincipalSpec,
          query: z.string().min(1),
          expect: z
            .object({
              allow: z.array(z.string()).default([]),
              mask: z.record(z.string(), z.enum(MASK_STRATEGIES)).default({}),
              deny: z.array(z.string()).default([]),
              /** Row filters: `Type: rule` that must filter the type's rows, and types that must not be filtered. */
              filter: z.record(z.string(), z.string()).default({}),
              unfiltered: z.array(z.string()).default([]),
            })
            .strict(),
        })
        .strict(),
    ),
  })
  .strict();

export interface CaseResult {
  readonly file: string;
  readonly name: string;
  /** Empty when the case passed. */
  readonly failures: readonly string[];
}

export function runPolicyTests(engine: PolicyEngine, dir: string): CaseResult[] {
  const files = readdirSync(dir)
    .filter((f) => /\.test\.ya?ml$/.test(f))
    .sort();
  return files.flatMap((file) => {
    const parsed = TestFile.safeParse(parse(readFileSync(join(dir, file), 'utf8')));
    if (!parsed.success) {
      throw new StartupError(
        ErrorCode.POLICY_INVALID,
        `invalid policy test file ${file}: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`,
      );
    }
    return parsed.data.cases.map((testCase) => {
      const principal: Principal =
        testCase.principal === 'anonymous'
          ? ANONYMOUS
          : { teams: [], ...testCase.principal, anonymous: false };
      let decisions: readonly FieldDecision[];
      try {
        decisions = decide(engine, principal, testCase.query);
      } catch (error) {
        return { file, name: testCase.name, failures: [(error as Error).message] };
      }
      const byCoordinate = new Map(decisions.map((d) => [d.coordinate, d]));
      const failures: string[] = [];
      const check = (coordinate: string, expected: string) => {
        const decision = byCoordinate.get(coordinate);
        const actual = decision ? describeDecision(decision) : 'not read by the operation';
        const effect = decision
          ? decision.effect === 'mask'
            ? `mask:${decision.strategy}`
            : decision.effect
          : undefined;
        if (effect !== expected) failures.push(`${coordinate}: expected ${expected}, got ${actual}`);
      };
      for (const c of testCase.expect.allow) check(c, 'allow');
      for (const [c, strategy] of Object.entries(testCase.expect.mask)) check(c, `mask:${strategy}`);
      for (const c of testCase.expect.deny) check(c, 'deny');
      const filters = engine.rowFilters(principal).applied;
      for (const [type, rule] of Object.entries(testCase.expect.filter))
        if (!filters.some((f) => f.type === type && f.rule === rule))
          failures.push(`rows of ${type}: expected filter ${rule}, got ${describeFilters(filters, type)}`);
      for (const type of testCase.expect.unfiltered)
        if (filters.some((f) => f.type === type))
          failures.push(`rows of ${type}: expected unfiltered, got ${describeFilters(filters, type)}`);
      return { file, name: testCase.name, failures };
    });
  });
}

/** The decisions for one operation text (validated against the API schema first). */
export function decide(engine: PolicyEngine, principal: Principal, query: string): readonly FieldDecision[] {
  const document = parseGraphQL(query);
  const errors = validate(engine.schema, document);
  if (errors.length) throw new Error(`invalid operation: ${errors[0]!.message}`);
  const operation = document.definitions.find(
    (d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION,
  );
  if (!operation) throw new Error('no operation in the query');
  const analysis = analyseOperation(engine.schema, document, operation);
  return authorizeOperation(engine, principal, analysis, query, 'policy-test').decisions;
}

function describeFilters(filters: readonly { type: string; rule: string }[], type: string): string {
  const rules = filters.filter((f) => f.type === type).map((f) => f.rule);
  return rules.length ? `filter ${rules.join(', ')}` : 'no filter';
}

export function describeDecision(decision: FieldDecision): string {
  const effect = decision.effect === 'mask' ? `mask:${decision.strategy}` : decision.effect;
  return decision.rule ? `${effect} (${decision.rule})` : effect;
}

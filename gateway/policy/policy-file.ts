import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { z } from 'zod';
import { ErrorCode, StartupError } from '../common/errors.js';
import { MASK_STRATEGIES, type PolicyRule } from './types.js';

/**
 * Policy files (`policies/*.yaml`, not `*.test.yaml`): one global file owned by governance and
 * one per domain, each a list of rules. A rule targets schema coordinates and/or
 * classifications, applies `when` its CEL condition on the principal holds, and allows, denies
 * or masks. A rule without targets is a named condition that `@policy` directives refer to.
 *
 *   apiVersion: meshgate/v1
 *   kind: Policy
 *   owner: governance
 *   rules:
 *     - id: analyst-email-hashed
 *       description: Analysts join on e-mail without reading it.
 *       fields: [Customer.email]
 *       when: "'analyst' in principal.roles"
 *       effect: mask
 *       strategy: hash
 *     - id: regional-analyst-customers            # a row filter (row-filter.ts)
 *       target: Customer
 *       when: "'analyst' in principal.roles && has(principal.attributes.countries)"
 *       effect: filter
 *       where: "row.country in principal.attributes.countries"
 */
const Rule = z
  .object({
    id: z.string().regex(/^[a-z][a-z0-9-]*$/, 'must be kebab-case (a-z, 0-9, -)'),
    description: z.string().min(1),
    fields: z.array(z.string()).default([]),
    classifications: z.array(z.string()).default([]),
    when: z.string().min(1).optional(),
    effect: z.enum(['allow', 'deny', 'mask', 'filter']),
    strategy: z.enum(MASK_STRATEGIES).optional(),
    target: z.string().min(1).optional(),
    where: z.string().min(1).optional(),
  })
  .strict()
  .superRefine((rule, ctx) => {
    if (rule.effect === 'mask' && !rule.strategy)
      ctx.addIssue({
        code: 'custom',
        message: `effect mask needs a strategy (${MASK_STRATEGIES.join(', ')})`,
      });
    if (rule.effect !== 'mask' && rule.strategy)
      ctx.addIssue({ code: 'custom', message: 'strategy is only for effect mask' });
    if (rule.effect === 'filter') {
      if (!rule.target || !rule.where)
        ctx.addIssue({ code: 'custom', message: 'effect filter needs a target type and a where expression' });
      if (rule.fields.length || rule.classifications.length)
        ctx.addIssue({
          code: 'custom',
          message: 'effect filter targets a type (target), not fields or classifications',
        });
    } else if (rule.target || rule.where)
      ctx.addIssue({ code: 'custom', message: 'target and where are only for effect filter' });
  });

const PolicyFile = z
  .object({
    apiVersion: z.literal('meshgate/v1'),
    kind: z.literal('Policy'),
    owner: z.string().min(1),
    description: z.string().optional(),
    rules: z.array(z.unknown()),
  })
  .strict();

export function policyError(file: string, rule: string | undefined, reason: string): StartupError {
  return new StartupError(
    ErrorCode.POLICY_INVALID,
    `invalid policy ${file}${rule ? `: rule "${rule}"` : ''}: ${reason}`,
  );
}

/** Reads and shape-checks every policy file of `dir`; duplicate rule ids refuse start-up. */
export function readPolicyFiles(dir: string): PolicyRule[] {
  let files: string[];
  try {
    files = readdirSync(dir)
      .filter((f) => /\.ya?ml$/.test(f) && !/\.test\.ya?ml$/.test(f))
      .sort();
  } catch (cause) {
    throw policyError(
      dir,
      undefined,
      `cannot read the policy directory (${(cause as NodeJS.ErrnoException).code ?? String(cause)})`,
    );
  }
  const rules: PolicyRule[] = [];
  const seen = new Map<string, string>();
  for (const file of files) {
    for (const rule of parsePolicyFile(file, readFileSync(join(dir, file), 'utf8'))) {
      const other = seen.get(rule.id);
      if (other) throw policyError(file, rule.id, `duplicate rule id (also in ${other})`);
      seen.set(rule.id, file);
      rules.push(rule);
    }
  }
  return rules;
}

export function parsePolicyFile(file: string, text: string): PolicyRule[] {
  let document: unknown;
  try {
    document = parse(text);
  } catch (cause) {
    throw policyError(file, undefined, `not YAML (${(cause as Error).message.split('\n')[0]})`);
  }
  const parsed = PolicyFile.safeParse(document);
  if (!parsed.success) throw policyError(file, undefined, issues(parsed.error));
  return parsed.data.rules.map((raw, index) => {
    const id =
      typeof (raw as { id?: unknown })?.id === 'string' ? (raw as { id: string }).id : `#${index + 1}`;
    const rule = Rule.safeParse(raw);
    if (!rule.success) throw policyError(file, id, issues(rule.error));
    const r = rule.data;
    return Object.freeze({
      id: r.id,
      description: r.description,
      file,
      fields: r.fields,
      classifications: r.classifications,
      when: r.when,
      effect: r.effect,
      strategy: r.strategy,
      ...(r.effect === 'filter' && { target: r.target, where: r.where }),
    });
  });
}

function issues(error: z.ZodError): string {
  return error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
}

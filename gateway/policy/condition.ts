import type { AttributeValue, Principal } from '../common/types.js';
import { principalEnvironment } from './cel.js';
import { policyError } from './policy-file.js';
import type { Condition, PolicyRule } from './types.js';

/**
 * Rule conditions are CEL (https://github.com/google/cel-spec) over one variable:
 *
 *   principal: { sub: string, anonymous: bool, roles: list<string>, scopes: list<string>,
 *                attributes: map<string, dyn> }   (a value is a string or a list of strings)
 *
 * e.g. `'support' in principal.roles && principal.attributes.purpose == 'support'`. An
 * attribute a rule names but the principal lacks reads as "" rather than failing, unless the
 * rule asks `has(principal.attributes.name)`, which must then see it absent. An
 * evaluation error fails closed: a deny or mask rule then applies, an allow rule does not.
 */
const env = principalEnvironment();

/** Which parts of the principal an expression reads; `'*'` when it can't tell (it reads all). */
export interface PrincipalReads {
  fields: Set<'sub' | 'anonymous' | 'roles' | 'scopes' | 'attributes' | '*'>;
  attributes: Set<string>;
}

export function compileCondition(rule: PolicyRule, reads: PrincipalReads): Condition {
  const expression = rule.when;
  if (expression === undefined) return () => true;
  let evaluate: ReturnType<typeof env.parse>;
  try {
    evaluate = env.parse(expression);
  } catch (error) {
    throw policyError(
      rule.file,
      rule.id,
      `bad expression ${JSON.stringify(expression)}: ${firstLine(error)}`,
    );
  }
  const checked = evaluate.check();
  if (!checked.valid)
    throw policyError(
      rule.file,
      rule.id,
      `bad expression ${JSON.stringify(expression)}: ${firstLine(checked.error)}`,
    );
  if (checked.type !== 'bool')
    throw policyError(
      rule.file,
      rule.id,
      `expression ${JSON.stringify(expression)} is ${checked.type}, not bool`,
    );
  const attributes = defaultedAttributes(expression, collectReads(expression, reads));
  const failClosed = rule.effect !== 'allow';
  // A grant past its expiry no longer applies, even before the reload its expiry triggers.
  const expiresAtMs = rule.expiresAt === undefined ? Infinity : rule.expiresAt * 1000;
  return (principal) => {
    if (Date.now() >= expiresAtMs) return false;
    try {
      return evaluate({ principal: celPrincipal(principal, attributes) }) === true;
    } catch {
      return failClosed;
    }
  };
}

/** The attributes read as "" when absent: those the expression reads, except under `has(…)`. */
export function defaultedAttributes(expression: string, attributes: readonly string[]): string[] {
  const tested = new Set(
    [...expression.matchAll(/\bhas\(\s*principal\s*\.\s*attributes\s*\.\s*([A-Za-z_]\w*)\s*\)/g)].map(
      (m) => m[1]!,
    ),
  );
  return attributes.filter((name) => !tested.has(name));
}

export function celPrincipal(principal: Principal, attributes: readonly string[]) {
  const attrs: Record<string, AttributeValue> = { ...principal.attributes };
  for (const name of attributes) attrs[name] ??= '';
  return {
    sub: principal.sub,
    anonymous: principal.anonymous,
    roles: principal.roles,
    scopes: principal.scopes,
    attributes: attrs,
  };
}

const ACCESS =
  /\bprincipal\s*\.\s*(sub|anonymous|roles|scopes|attributes)\b(?:\s*\.\s*([A-Za-z_]\w*)|\s*\[\s*['"]([^'"]+)['"]\s*\])?/g;

/** Records what the expression reads; returns the attribute names it reads directly. */
export function collectReads(expression: string, reads: PrincipalReads): string[] {
  const attributes: string[] = [];
  let accesses = 0;
  for (const match of expression.matchAll(ACCESS)) {
    accesses += 1;
    const field = match[1] as 'sub' | 'anonymous' | 'roles' | 'scopes' | 'attributes';
    const attribute = match[2] ?? match[3];
    if (field === 'attributes' && attribute !== undefined) {
      reads.attributes.add(attribute);
      attributes.push(attribute);
    } else reads.fields.add(field);
  }
  // `principal` used whole (passed to a macro, compared, …): assume it reads everything.
  if ((expression.match(/\bprincipal\b/g)?.length ?? 0) > accesses) reads.fields.add('*');
  return attributes;
}

export function firstLine(error: unknown): string {
  const message =
    error instanceof Error
      ? error.message
      : typeof error === 'object' && error !== null && 'message' in error
        ? String(error.message)
        : String(error);
  return message.split('\n')[0] ?? message;
}

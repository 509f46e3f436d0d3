import {
  getNamedType,
  isInterfaceType,
  isLeafType,
  isObjectType,
  type GraphQLField,
  type GraphQLNamedType,
} from 'graphql';
import { Classification } from '../protocol/index.js';
import { assertNever } from '../common/invariant.js';
import { memoByObject } from '../common/memo-by-object.js';
import type { Principal } from '../common/types.js';
import type { Requirement } from '../supergraph/supergraph-model.js';
import { compileCondition, type PrincipalReads } from './condition.js';
import { appliedRowFilters } from './applied-row-filters.js';
import { policyError } from './policy-file.js';
import { compileRowFilter, type CompiledRowFilter } from './row-filter.js';
import type { SchemaIndex } from './schema-index.js';
import type { Condition, FieldDecision, PolicyEngine, PolicyRule } from './types.js';

/** The classifications a domain may declare (the data product descriptor's list). */
export const CLASSIFICATIONS: readonly string[] = Classification.options;

export interface CompileOptions {
  readonly rules: readonly PolicyRule[];
  readonly index: SchemaIndex;
  /**
   * Start-up: an unknown coordinate refuses start-up. On a later supergraph update the
   * gateway cannot refuse, so a rule whose coordinate vanished is reported and skipped (a
   * field that no longer exists cannot be queried).
   */
  readonly strict: boolean;
  readonly onSkippedRule?: (message: string) => void;
}

/**
 * Compiles policy rules against one supergraph. How rules combine, per coordinate:
 *
 * 1. Apollo directive requirements (field's and its return type's, and through an interface
 *    each implementation's) must all hold, else deny (`@authenticated`, …).
 * 2. Of the rules that target the coordinate (by `Type.field`, `Type.*` or a classification)
 *    and whose condition holds: any deny → deny; else any mask → mask; else any allow → allow.
 *    Deny overrides allow, and a mask is an allow with a transformation.
 * 3. No rule applies: a classified field is denied (`default-deny:<classification>`); an
 *    unclassified one is allowed.
 */
export function compilePolicy({ rules, index, strict, onSkippedRule }: CompileOptions): PolicyEngine {
  const { schema } = index;
  const reads: PrincipalReads = { fields: new Set(), attributes: new Set() };
  const conditions = new Map<string, Condition>();
  const active: PolicyRule[] = [];
  const filters: CompiledRowFilter[] = [];
  for (const rule of rules) {
    for (const name of rule.classifications) {
      if (!CLASSIFICATIONS.includes(name))
        throw policyError(
          rule.file,
          rule.id,
          `unknown classification "${name}" (known: ${CLASSIFICATIONS.join(', ')})`,
        );
    }
    const problem = rule.fields
      .map((c) => coordinateProblem(c, rule))
      .find((p): p is CoordinateProblem => p !== undefined);
    conditions.set(rule.id, compileCondition(rule, reads));
    if (rule.effect === 'filter') {
      // Row filters (row-filter.ts): a filter on a field its type lacks refuses start-up too.
      try {
        filters.push(compileRowFilter(rule, index, reads));
      } catch (error) {
        if (strict) throw error;
        onSkippedRule?.(`${(error as Error).message} (rule skipped)`);
        continue;
      }
    }
    if (problem) {
      if (strict) throw policyError(rule.file, rule.id, problem.message + hintFor(problem));
      onSkippedRule?.(`policy ${rule.file}: rule "${rule.id}" skipped: ${problem.message}`);
      continue;
    }
    active.push(rule);
  }
  for (const requirements of index.requirements.values()) {
    for (const r of requirements)
      reads.fields.add(
        r.kind === 'authenticated' ? 'anonymous' : r.kind === 'requiresScopes' ? 'scopes' : 'anonymous',
      );
  }

  const principalKey = principalKeyFor(reads);
  const rulesByCoordinate = new Map<string, PolicyRule[]>();
  const rulesFor = (typeName: string, fieldName: string): PolicyRule[] => {
    const coordinate = `${typeName}.${fieldName}`;
    let found = rulesByCoordinate.get(coordinate);
    if (!found) {
      const classes = index.classification.get(coordinate) ?? [];
      found = active.filter(
        (r) =>
          r.fields.includes(coordinate) ||
          r.fields.includes(`${typeName}.*`) ||
          r.classifications.some((c) => classes.includes(c)),
      );
      rulesByCoordinate.set(coordinate, found);
    }
    return found;
  };

  const satisfies = (requirement: Requirement, principal: Principal): boolean => {
    switch (requirement.kind) {
      case 'authenticated':
        return !principal.anonymous;
      case 'requiresScopes':
        return requirement.anyOf.some((all) => all.every((scope) => principal.scopes.includes(scope)));
      case 'policy':
        return requirement.anyOf.some((all) =>
          all.every((name) => conditions.get(name)?.(principal) === true),
        );
      default:
        return assertNever(requirement);
    }
  };
  const unmet = (key: string, principal: Principal) =>
    (index.requirements.get(key) ?? []).find((r) => !satisfies(r, principal));

  const decideOwn = (
    typeName: string,
    field: GraphQLField<unknown, unknown>,
    principal: Principal,
  ): FieldDecision => {
    const coordinate = `${typeName}.${field.name}`;
    const missing = unmet(coordinate, principal) ?? unmet(getNamedType(field.type).name, principal);
    if (missing) return { coordinate, effect: 'deny', rule: `@${missing.kind}` };
    const applicable = rulesFor(typeName, field.name).filter((r) => conditions.get(r.id)!(principal));
    const deny = applicable.find((r) => r.effect === 'deny');
    if (deny) return { coordinate, effect: 'deny', rule: deny.id };
    const mask = applicable.find((r) => r.effect === 'mask');
    if (mask) return { coordinate, effect: 'mask', strategy: mask.strategy!, rule: mask.id };
    const allow = applicable.find((r) => r.effect === 'allow');
    if (allow) return { coordinate, effect: 'allow', rule: allow.id };
    const classified = index.classification.get(coordinate)?.[0];
    return classified
      ? { coordinate, effect: 'deny', rule: `default-deny:${classified}` }
      : { coordinate, effect: 'allow', rule: null };
  };

  return {
    schema,
    rules: active,
    decideField(typeName, fieldName, principal) {
      const type = schema.getType(typeName);
      const field =
        type && (isObjectType(type) || isInterfaceType(type)) ? type.getFields()[fieldName] : undefined;
      if (!type || !field) return { coordinate: `${typeName}.${fieldName}`, effect: 'allow', rule: null };
      const own = decideOwn(typeName, field, principal);
      if (!isInterfaceType(type) || own.effect === 'deny') return own;
      // Through an interface, each implementation's own decision applies too (the strictest wins).
      let result = own;
      for (const implementation of schema.getPossibleTypes(type)) {
        const implField = implementation.getFields()[fieldName];
        if (!implField) continue;
        const decision = decideOwn(implementation.name, implField, principal);
        if (decision.effect === 'deny') return { ...decision, coordinate: own.coordinate };
        if (decision.effect === 'mask' && result.effect === 'allow')
          result = { ...decision, coordinate: own.coordinate };
      }
      return result;
    },
    decideType(typeName, principal) {
      const missing = unmet(typeName, principal);
      return missing
        ? { coordinate: typeName, effect: 'deny', rule: `@${missing.kind}` }
        : { coordinate: typeName, effect: 'allow', rule: null };
    },
    principalKey,
    rowFilters: appliedRowFilters(filters, conditions, principalKey),
  };

  function coordinateProblem(coordinate: string, rule: PolicyRule): CoordinateProblem | undefined {
    const match = /^([A-Za-z_]\w*)\.(\*|[A-Za-z_]\w*)$/.exec(coordinate);
    if (!match)
      return {
        kind: 'malformed-coordinate',
        coordinate,
        message: `"${coordinate}" is not a Type.field or Type.* coordinate`,
      };
    const type = schema.getType(match[1]!);
    if (!type || !(isObjectType(type) || isInterfaceType(type)))
      return {
        kind: 'unknown-coordinate',
        coordinate,
        message: `unknown coordinate ${coordinate}: no object or interface type ${match[1]}`,
      };
    if (match[2] === '*') return undefined;
    const field = type.getFields()[match[2]!];
    if (!field)
      return {
        kind: 'unknown-coordinate',
        coordinate,
        message: `unknown coordinate ${coordinate}: ${match[1]} has no field ${match[2]}`,
      };
    if (rule.effect === 'mask' && rule.strategy !== 'null' && !masksAsString(getNamedType(field.type))) {
      return {
        kind: 'unmaskable-type',
        coordinate,
        message: `strategy ${rule.strategy} cannot mask ${coordinate} of type ${getNamedType(field.type).name} (only null can)`,
      };
    }
    return undefined;
  }
}

/** String-valued leaves (and objects, whose string leaves are masked) take every strategy. */
function masksAsString(type: GraphQLNamedType): boolean {
  return !isLeafType(type) || type.name === 'String' || type.name === 'ID';
}

/** Serialises only what the rules and directives read, so equivalent principals share decisions. */
function principalKeyFor(reads: PrincipalReads): (principal: Principal) => string {
  const all = reads.fields.has('*');
  const attributes = [...reads.attributes].sort();
  const wants = (field: 'sub' | 'anonymous' | 'roles' | 'scopes' | 'attributes') =>
    all || reads.fields.has(field);
  // Principals come from the token cache (one object per token) or are ANONYMOUS: a key is
  // worked out once per principal object.
  return memoByObject((p: Principal) => {
    const parts: string[] = [];
    if (wants('sub')) parts.push(`s=${p.sub}`);
    if (wants('anonymous')) parts.push(`a=${p.anonymous ? 1 : 0}`);
    if (wants('roles')) parts.push(`r=${[...p.roles].sort().join(',')}`);
    if (wants('scopes')) parts.push(`c=${[...p.scopes].sort().join(',')}`);
    if (wants('attributes')) parts.push(`t=${JSON.stringify(Object.entries(p.attributes).sort())}`);
    // JSON: a list attribute ["DE","AT"] and a string "DE,AT" are different principals.
    else for (const name of attributes) parts.push(`${name}=${JSON.stringify(p.attributes[name] ?? '')}`);
    return parts.join('\u0001');
  });
}

/** Why a rule's coordinate cannot be compiled against the supergraph. */
interface CoordinateProblem {
  readonly kind: 'malformed-coordinate' | 'unknown-coordinate' | 'unmaskable-type';
  readonly coordinate: string;
  readonly message: string;
}

/**
 * The gateway serves any valid supergraph, but policies are written against one: an unknown
 * coordinate at start-up usually means the default policies/ met another supergraph. Refusing
 * is the fail-closed choice; the message says how to proceed. A malformed coordinate or an
 * unmaskable type is a mistake in the policy itself, which another directory would not fix.
 */
function hintFor(problem: CoordinateProblem): string {
  switch (problem.kind) {
    case 'unknown-coordinate':
      return ' (the policies are written for another supergraph: set POLICY_DIR to a directory of policies for this one)';
    case 'malformed-coordinate':
    case 'unmaskable-type':
      return '';
    default:
      return assertNever(problem.kind);
  }
}

import { serialize, type ASTNode, type Environment } from '@marcbachmann/cel-js';
import {
  getNamedType,
  isEnumType,
  isInterfaceType,
  isLeafType,
  isObjectType,
  type GraphQLNamedType,
  type GraphQLSchema,
} from 'graphql';
import type { CompareOperator, FilterValue, RowPredicate } from '../protocol/index.js';
import type { Principal } from '../common/types.js';
import { principalEnvironment } from './cel.js';
import {
  celPrincipal,
  collectReads,
  defaultedAttributes,
  firstLine,
  type PrincipalReads,
} from './condition.js';
import { policyError } from './policy-file.js';
import type { SchemaIndex } from './schema-index.js';
import type { PolicyRule } from './types.js';

/**
 * A row filter rule (`effect: filter`), compiled: for a principal its condition (`when`) holds
 * for, `predicate` gives the typed predicate the target's product enforces. `where` is CEL over
 * `row` (the target type's scalar and enum fields) and `principal`; every part that does not
 * read `row` is evaluated here, in the gateway, so the predicate carries literals only:
 *
 *   row.country in principal.attributes.countries   ─▶  { in: country, values: ["DE","AT"] }
 *
 * What compiles: `&&`, `||`, `!`, `==` `!=` `<` `<=` `>` `>=` between a row field and a
 * principal-side value, `row.f in <list>`, and principal-only terms (true or false per
 * principal). Anything else that reads `row` (a function of a field, two fields compared, a
 * nested path such as `row.customer.country`) is refused naming file and rule: a product can
 * only filter on a field it holds, so a filter is declared on the type that owns the field.
 */
export interface CompiledRowFilter {
  readonly rule: PolicyRule;
  readonly type: string;
  /** The subgraph that resolves every field the filter reads: it enforces the filter. */
  readonly subgraph: string;
  readonly fields: readonly string[];
  predicate(principal: Principal): RowPredicate;
}

/** What the kit can compare: CEL's view of a GraphQL leaf. */
function celTypeOf(type: GraphQLNamedType): string {
  if (isEnumType(type)) return 'string';
  switch (type.name) {
    case 'Int':
      return 'int';
    case 'Float':
      return 'double';
    case 'Boolean':
      return 'bool';
    default:
      return 'string';
  }
}

export function compileRowFilter(
  rule: PolicyRule,
  index: SchemaIndex,
  reads: PrincipalReads,
): CompiledRowFilter {
  const fail = (reason: string) => policyError(rule.file, rule.id, reason);
  const { schema } = index;
  const typeName = rule.target!;
  const where = rule.where!;
  const type = schema.getType(typeName);
  if (!type || !(isObjectType(type) || isInterfaceType(type)))
    throw fail(`unknown filter target ${typeName}: no object or interface type of that name`);
  const leaves = leafFields(schema, typeName);
  const env = filterEnvironment(leaves);
  let parsed: ReturnType<Environment['parse']>;
  try {
    parsed = env.parse(where);
  } catch (error) {
    throw fail(`bad filter expression ${JSON.stringify(where)}: ${firstLine(error)}`);
  }
  // Our own check first: it names the type, where CEL's says "No such key".
  const fields = rowFields(parsed.ast, fail);
  for (const field of fields) {
    if (leaves.has(field)) continue;
    const exists = type.getFields()[field] !== undefined;
    throw fail(
      exists
        ? `filter reads ${typeName}.${field}, which is not a scalar or enum field: a filter compares a field the type's product holds (declare the filter on the type that owns the value)`
        : `filter reads ${typeName}.${field}, but ${typeName} has no field ${field}`,
    );
  }
  if (fields.size === 0)
    throw fail(
      `filter ${JSON.stringify(where)} reads no field of ${typeName} (a deny rule on ${typeName}.* hides a whole type)`,
    );
  const checked = parsed.check();
  if (!checked.valid)
    throw fail(`bad filter expression ${JSON.stringify(where)}: ${firstLine(checked.error)}`);
  if (checked.type !== 'bool')
    throw fail(`filter expression ${JSON.stringify(where)} is ${checked.type}, not bool`);

  const owners = [...fields].map((f) => index.ownership?.owners(typeName, f) ?? []);
  const subgraph = owners[0]?.find((s) => owners.every((o) => o.includes(s)));
  if (!subgraph)
    throw fail(
      `filter reads fields of ${typeName} that no one data product resolves together (${[...fields].join(', ')})`,
    );
  const attributes = defaultedAttributes(where, collectReads(where, reads));
  const template = translate(parsed.ast, fail);
  return {
    rule,
    type: typeName,
    subgraph,
    fields: [...fields],
    predicate(principal) {
      const context = { principal: celPrincipal(principal, attributes) };
      try {
        return simplify(template(context));
      } catch {
        // A principal the filter cannot be evaluated for sees no rows (fail closed).
        return FALSE;
      }
    },
  };
}

const FALSE: RowPredicate = Object.freeze({ kind: 'const', value: false });

/** `{ field → CEL type }` of the type's scalar and enum fields. */
function leafFields(schema: GraphQLSchema, typeName: string): Map<string, string> {
  const type = schema.getType(typeName);
  const leaves = new Map<string, string>();
  if (!type || !(isObjectType(type) || isInterfaceType(type))) return leaves;
  for (const field of Object.values(type.getFields())) {
    const named = getNamedType(field.type);
    // Lists cannot be compared as one value; a leaf list (tags: [String]) is not a filter field.
    if (isLeafType(named) && !String(field.type).includes('[')) leaves.set(field.name, celTypeOf(named));
  }
  return leaves;
}

function filterEnvironment(leaves: ReadonlyMap<string, string>): Environment {
  return principalEnvironment().registerVariable({ name: 'row', schema: Object.fromEntries(leaves) });
}

/** Parses the parts of a filter that do not read `row`: evaluated here, per principal. */
const principalOnly = principalEnvironment();

/** The `row.field` names the expression reads; a use of `row` other than `row.field` refuses. */
function rowFields(node: ASTNode, fail: (reason: string) => Error, into = new Set<string>()): Set<string> {
  const field = rowField(node);
  if (field !== undefined) {
    into.add(field);
    return into;
  }
  if (node.op === 'id' && node.args === 'row')
    throw fail(`filter uses row whole (${node.input}); compare its fields: row.field`);
  if (node.op === '.' || node.op === '.?') {
    const base = node.args[0];
    if (rowField(base) !== undefined)
      throw fail(
        `filter reads ${serialize(node)}: a product filters on a field it holds, not through a reference (declare the filter on the type that owns the field)`,
      );
  }
  for (const child of children(node)) rowFields(child, fail, into);
  return into;
}

function rowField(node: ASTNode): string | undefined {
  return node.op === '.' && node.args[0].op === 'id' && node.args[0].args === 'row'
    ? node.args[1]
    : undefined;
}

function readsRow(node: ASTNode): boolean {
  return (node.op === 'id' && node.args === 'row') || children(node).some(readsRow);
}

function children(node: ASTNode): ASTNode[] {
  switch (node.op) {
    case 'value':
    case 'id':
      return [];
    case '.':
    case '.?':
      return [node.args[0]];
    case 'call':
      return node.args[1];
    case 'rcall':
      return [node.args[1], ...node.args[2]];
    case 'list':
      return node.args;
    case 'map':
      return node.args.flat();
    case '!_':
    case '-_':
      return [node.args];
    default:
      return [...node.args];
  }
}

type Template = (context: Record<string, unknown>) => RowPredicate;

const COMPARE: Readonly<Record<string, CompareOperator>> = {
  '==': 'eq',
  '!=': 'ne',
  '<': 'lt',
  '<=': 'le',
  '>': 'gt',
  '>=': 'ge',
};
const FLIPPED: Readonly<Record<CompareOperator, CompareOperator>> = {
  eq: 'eq',
  ne: 'ne',
  lt: 'gt',
  le: 'ge',
  gt: 'lt',
  ge: 'le',
};

/** Compiles the expression once into a function of the principal that builds the predicate. */
function translate(node: ASTNode, fail: (reason: string) => Error): Template {
  if (!readsRow(node)) {
    const evaluate = principalOnly.parse(serialize(node));
    return (context) => ({ kind: 'const', value: evaluate(context) === true });
  }
  switch (node.op) {
    case '&&':
    case '||': {
      const [left, right] = [translate(node.args[0], fail), translate(node.args[1], fail)];
      const kind = node.op === '&&' ? 'and' : 'or';
      return (context) => ({ kind, of: [left(context), right(context)] });
    }
    case '!_': {
      const of = translate(node.args, fail);
      return (context) => ({ kind: 'not', of: of(context) });
    }
    case 'in': {
      const field = rowField(node.args[0]);
      if (field === undefined || readsRow(node.args[1])) break;
      const values = principalOnly.parse(serialize(node.args[1]));
      return (context) => ({ kind: 'in', field, values: listOf(values(context)) });
    }
    default: {
      const op = COMPARE[node.op];
      if (!op) break;
      const [left, right] = node.args as [ASTNode, ASTNode];
      const leftField = rowField(left);
      const rightField = rowField(right);
      if (leftField !== undefined && !readsRow(right)) {
        const value = principalOnly.parse(serialize(right));
        return (context) => ({ kind: 'compare', field: leftField, op, value: scalar(value(context)) });
      }
      if (rightField !== undefined && !readsRow(left)) {
        const value = principalOnly.parse(serialize(left));
        return (context) => ({
          kind: 'compare',
          field: rightField,
          op: FLIPPED[op],
          value: scalar(value(context)),
        });
      }
    }
  }
  throw fail(
    `filter part ${JSON.stringify(serialize(node))} cannot become a row predicate (compare a row field with a value: ==, !=, <, <=, >, >=, in; combine with &&, ||, !)`,
  );
}

/** A list attribute, or a single string as a list of one (`--attr countries=DE`). */
function listOf(value: unknown): FilterValue[] {
  if (Array.isArray(value)) return value.map(scalar);
  if (value instanceof Set) return [...(value as Set<unknown>)].map(scalar);
  return value === '' || value === undefined ? [] : [scalar(value)];
}

function scalar(value: unknown): FilterValue {
  if (typeof value === 'bigint') return Number(value);
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return value;
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  throw new Error(`not a scalar: ${String(value)}`);
}

/** Folds constants: `true && p` is `p`, a principal-only `false` in an `and` is `false`. */
export function simplify(predicate: RowPredicate): RowPredicate {
  switch (predicate.kind) {
    case 'and':
    case 'or': {
      const neutral = predicate.kind === 'and';
      const of: RowPredicate[] = [];
      for (const part of predicate.of.map(simplify)) {
        if (part.kind === 'const') {
          if (part.value !== neutral) return part;
          continue;
        }
        if (part.kind === predicate.kind) of.push(...part.of);
        else of.push(part);
      }
      if (of.length === 0) return { kind: 'const', value: neutral };
      return of.length === 1 ? of[0]! : { kind: predicate.kind, of };
    }
    case 'not': {
      const of = simplify(predicate.of);
      return of.kind === 'const' ? { kind: 'const', value: !of.value } : { kind: 'not', of };
    }
    default:
      return predicate;
  }
}

const SYMBOLS: Readonly<Record<CompareOperator, string>> = {
  eq: '==',
  ne: '!=',
  lt: '<',
  le: '<=',
  gt: '>',
  ge: '>=',
};

/** A predicate as a person reads it (`meshgate policy explain`): `country in [DE, AT]`. */
export function describePredicate(predicate: RowPredicate): string {
  switch (predicate.kind) {
    case 'const':
      return predicate.value ? 'all rows' : 'no rows';
    case 'compare':
      return `${predicate.field} ${SYMBOLS[predicate.op]} ${JSON.stringify(predicate.value)}`;
    case 'in':
      return `${predicate.field} in [${predicate.values.map((v) => (typeof v === 'string' ? v : JSON.stringify(v))).join(', ')}]`;
    case 'not':
      return `not (${describePredicate(predicate.of)})`;
    case 'and':
    case 'or':
      return predicate.of.map((p) => `(${describePredicate(p)})`).join(` ${predicate.kind} `);
  }
}

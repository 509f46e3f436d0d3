import {
  GraphQLError,
  Kind,
  getNamedType,
  isAbstractType,
  isCompositeType,
  isInputType,
  isObjectType,
  typeFromAST,
  valueFromAST,
  valueFromASTUntyped,
  type GraphQLCompositeType,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
  type ValueNode,
} from 'graphql';
import { ErrorCode } from '../common/errors.js';
import type { OperationAnalysis } from '../operation/types.js';
import { PLACEHOLDER_KEY, TYPENAME_KEY } from './authorize-operation.js';
import type { MaskStrategy, OperationAuthorization } from './types.js';

type Json = Record<string, unknown>;

export interface ApplyInput {
  schema: GraphQLSchema;
  /** The operation as the client sent it (not the rewritten one), with its fragments resolved. */
  analysis: OperationAnalysis;
  /** The request's variables with the operation's defaults (`variablesWithDefaults`). */
  variables: Readonly<Record<string, unknown>>;
  authorization: OperationAuthorization;
  mask: (value: unknown, strategy: MaskStrategy) => unknown;
}

/**
 * The mask stage: walks the response along the client's operation (collecting fields as the
 * GraphQL specification's CollectFields does: aliases, fragments by runtime type,
 * @include/@skip with the request's variables). A removed field gets null and an
 * `UNAUTHORIZED_FIELD_OR_TYPE` error at its path naming the rule; a masked field's value is
 * replaced in place. The placeholders the authorize stage added are taken out. Mutates `data`.
 */
export function applyDecisions(data: Json, input: ApplyInput): GraphQLError[] {
  const errors: GraphQLError[] = [];
  const { operation } = input.analysis;
  const root = input.schema.getRootType(operation.operation);
  if (root) walkObject(data, operation.selectionSet, root, [], input, errors);
  return errors;
}

function walkObject(
  object: Json,
  selectionSet: SelectionSetNode,
  staticType: GraphQLCompositeType,
  path: (string | number)[],
  input: ApplyInput,
  errors: GraphQLError[],
): void {
  const typename = object[TYPENAME_KEY] ?? object.__typename;
  const runtime = typeof typename === 'string' ? input.schema.getType(typename) : undefined;
  const objectType =
    runtime && isObjectType(runtime) ? runtime : isObjectType(staticType) ? staticType : undefined;
  delete object[PLACEHOLDER_KEY];
  delete object[TYPENAME_KEY];
  const fields = collect(selectionSet, staticType, objectType, input);
  let added = false;
  for (const [key, { parent, fieldName, selectionSet: sub }] of fields) {
    if (fieldName.startsWith('__')) continue;
    const coordinate = `${parent.name}.${fieldName}`;
    const rule = input.authorization.denied.get(coordinate);
    if (rule !== undefined) {
      if (object[key] === undefined) {
        object[key] = null;
        added = true;
      }
      errors.push(unauthorized(coordinate, rule, [...path, key]));
      continue;
    }
    const strategy = input.authorization.masked.get(coordinate);
    if (strategy !== undefined) {
      object[key] = input.mask(object[key], strategy);
      continue;
    }
    const value = object[key];
    if (sub === undefined || value === null || value === undefined || !('getFields' in parent)) continue;
    const field = parent.getFields()[fieldName];
    const type = field && getNamedType(field.type);
    if (!type || !isCompositeType(type)) continue;
    walkValue(value, sub, type, [...path, key], input, errors);
  }
  if (added) reorder(object, fields.keys());
}

/** Response keys in selection order (GraphQL spec §7.2.2), also for the nulls added above. */
function reorder(object: Json, keys: Iterable<string>): void {
  const entries = Object.entries(object);
  for (const [key] of entries) delete object[key];
  for (const key of keys)
    if (entries.some(([k]) => k === key)) object[key] = entries.find(([k]) => k === key)![1];
  for (const [key, value] of entries) if (!(key in object)) object[key] = value;
}

/**
 * An expected outcome, not a fault: built without a stack trace, which would cost more than
 * the rest of the stage (V8 captures one per Error; the limit is restored at once).
 */
function unauthorized(coordinate: string, rule: string, path: (string | number)[]): GraphQLError {
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  try {
    return new GraphQLError(`Not authorized to read ${coordinate} (rule ${rule})`, {
      path,
      extensions: { code: ErrorCode.UNAUTHORIZED_FIELD_OR_TYPE, coordinate, rule },
    });
  } finally {
    Error.stackTraceLimit = limit;
  }
}

function walkValue(
  value: unknown,
  selectionSet: SelectionSetNode,
  type: GraphQLCompositeType,
  path: (string | number)[],
  input: ApplyInput,
  errors: GraphQLError[],
): void {
  if (Array.isArray(value))
    value.forEach((item, index) => walkValue(item, selectionSet, type, [...path, index], input, errors));
  else if (value !== null && typeof value === 'object')
    walkObject(value as Json, selectionSet, type, path, input, errors);
}

interface Collected {
  /** The type the field was selected on: its coordinate is `parent.field`, as authorized. */
  parent: GraphQLCompositeType;
  fieldName: string;
  selectionSet: SelectionSetNode | undefined;
}

/** CollectFields (GraphQL spec §6.3.2), keeping each response key's first field. */
function collect(
  selectionSet: SelectionSetNode,
  parent: GraphQLCompositeType,
  objectType: GraphQLCompositeType | undefined,
  input: ApplyInput,
  into = new Map<string, Collected>(),
  visited = new Set<string>(),
): Map<string, Collected> {
  for (const selection of selectionSet.selections) {
    if (!included(selection.directives, input.variables)) continue;
    if (selection.kind === Kind.FIELD) {
      const key = selection.alias?.value ?? selection.name.value;
      const existing = into.get(key);
      if (!existing)
        into.set(key, { parent, fieldName: selection.name.value, selectionSet: selection.selectionSet });
      else if (selection.selectionSet && existing.selectionSet) {
        // Same response key selected twice: the sub-selections merge.
        existing.selectionSet = {
          ...existing.selectionSet,
          selections: [...existing.selectionSet.selections, ...selection.selectionSet.selections],
        };
      }
      continue;
    }
    let condition: string | undefined;
    let sub: SelectionSetNode;
    if (selection.kind === Kind.INLINE_FRAGMENT) {
      condition = selection.typeCondition?.name.value;
      sub = selection.selectionSet;
    } else {
      const name = selection.name.value;
      const fragment = input.analysis.fragments.get(name);
      if (!fragment || visited.has(name)) continue;
      visited.add(name);
      condition = fragment.typeCondition;
      sub = fragment.node.selectionSet;
    }
    const conditionType = condition === undefined ? parent : input.schema.getType(condition);
    if (
      !conditionType ||
      !isCompositeType(conditionType) ||
      !applies(conditionType, objectType, input.schema)
    )
      continue;
    collect(sub, conditionType, objectType, input, into, visited);
  }
  return into;
}

/** DoesFragmentTypeApply; with the runtime type unknown, every fragment applies (fail closed). */
function applies(
  condition: GraphQLCompositeType,
  objectType: GraphQLCompositeType | undefined,
  schema: GraphQLSchema,
): boolean {
  if (!objectType || !isObjectType(objectType)) return true;
  if (isObjectType(condition)) return condition.name === objectType.name;
  return isAbstractType(condition) && schema.isSubType(condition, objectType);
}

function included(
  directives:
    | readonly {
        name: { value: string };
        arguments?: readonly { name: { value: string }; value: ValueNode }[];
      }[]
    | undefined,
  variables: Readonly<Record<string, unknown>>,
): boolean {
  for (const directive of directives ?? []) {
    const name = directive.name.value;
    if (name !== 'include' && name !== 'skip') continue;
    const arg = directive.arguments?.find((a) => a.name.value === 'if');
    const value = arg ? valueFromASTUntyped(arg.value, variables as Record<string, unknown>) : undefined;
    if (name === 'skip' && value === true) return false;
    if (name === 'include' && value === false) return false;
  }
  return true;
}

/** The request's variables with the operation's defaults filled in (for @include/@skip). */
export function variablesWithDefaults(
  schema: GraphQLSchema,
  operation: OperationDefinitionNode,
  variables: Record<string, unknown>,
): Record<string, unknown> {
  const definitions = operation.variableDefinitions ?? [];
  if (definitions.every((d) => !d.defaultValue || d.variable.name.value in variables)) return variables;
  const filled = { ...variables };
  for (const definition of definitions) {
    const name = definition.variable.name.value;
    if (name in filled || !definition.defaultValue) continue;
    const type = typeFromAST(schema, definition.type);
    if (type && isInputType(type)) filled[name] = valueFromAST(definition.defaultValue, type);
  }
  return filled;
}

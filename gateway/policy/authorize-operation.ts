import { createHash } from 'node:crypto';
import {
  Kind,
  TypeInfo,
  isAbstractType,
  print,
  visit,
  visitWithTypeInfo,
  type ASTVisitor,
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  type OperationDefinitionNode,
  type SelectionSetNode,
} from 'graphql';
import type { Principal } from '../common/types.js';
import type { FieldDecision, MaskStrategy, OperationAuthorization, PolicyEngine } from './types.js';

/** Response keys the rewritten operation adds; the response stage removes them again. */
export const PLACEHOLDER_KEY = 'meshgate__placeholder';
export const TYPENAME_KEY = 'meshgate__typename';

const placeholder: FieldNode = {
  kind: Kind.FIELD,
  alias: { kind: Kind.NAME, value: PLACEHOLDER_KEY },
  name: { kind: Kind.NAME, value: '__typename' },
};
const typename: FieldNode = {
  kind: Kind.FIELD,
  alias: { kind: Kind.NAME, value: TYPENAME_KEY },
  name: { kind: Kind.NAME, value: '__typename' },
};

/**
 * The authorize stage for one operation and one principal, against the supergraph's API
 * schema: every field (through aliases, named and inline fragments, whatever @include/@skip
 * will say) is decided by its schema coordinate. Denied fields and fragments on denied types
 * are removed *before query planning*, so no subgraph is asked for them; a selection left
 * empty keeps a placeholder `__typename` so the operation stays valid, and fragments and
 * variables only the removed fields used are dropped. Abstract-typed selections get their
 * `__typename` so masks and nulls apply to the right runtime type.
 *
 * Decisions depend on the document and the principal key only, never on variable values, so
 * the result is cached per (operation, principal key) by the caller.
 */
export function authorizeOperation(
  engine: PolicyEngine,
  principal: Principal,
  document: DocumentNode,
  operation: OperationDefinitionNode,
  source: string,
  queryHash: string,
): OperationAuthorization {
  const decisions = new Map<string, FieldDecision>();
  const denied = new Map<string, string>();
  const masked = new Map<string, MaskStrategy>();
  let abstractSelections = false;

  const record = (decision: FieldDecision): FieldDecision => {
    if (!decisions.has(decision.coordinate)) decisions.set(decision.coordinate, decision);
    if (decision.effect === 'deny') denied.set(decision.coordinate, decision.rule);
    if (decision.effect === 'mask') masked.set(decision.coordinate, decision.strategy);
    return decision;
  };
  const typeDenied = (typeName: string | undefined) =>
    typeName !== undefined && record(engine.decideType(typeName, principal)).effect === 'deny';

  // Only the operation that runs, and the fragments it may reach.
  const fragments = document.definitions.filter(
    (d): d is FragmentDefinitionNode => d.kind === Kind.FRAGMENT_DEFINITION,
  );
  const single: DocumentNode = { kind: Kind.DOCUMENT, definitions: [operation, ...fragments] };
  const typeInfo = new TypeInfo(engine.schema);
  // Selections removed per open selection set.
  const removedIn: number[] = [];
  const remove = () => {
    removedIn[removedIn.length - 1]! += 1;
    return null;
  };
  const visitor: ASTVisitor = {
    Field(node) {
      if (node.name.value.startsWith('__')) return undefined;
      const parent = typeInfo.getParentType();
      if (!parent) return undefined;
      return record(engine.decideField(parent.name, node.name.value, principal)).effect === 'deny'
        ? remove()
        : undefined;
    },
    InlineFragment(node) {
      return typeDenied(node.typeCondition?.name.value) ? remove() : undefined;
    },
    FragmentSpread(node) {
      const definition = fragments.find((f) => f.name.value === node.name.value);
      return definition && denied.has(definition.typeCondition.name.value) ? remove() : undefined;
    },
    SelectionSet: {
      enter() {
        removedIn.push(0);
        if (isAbstractType(typeInfo.getParentType())) abstractSelections = true;
      },
      leave(node: SelectionSetNode) {
        // Left empty, or with only @include/@skip selections that may all be skipped at run
        // time: a placeholder keeps the parent an object rather than null.
        const removed = removedIn.pop() ?? 0;
        const mayBeEmpty = node.selections.every((s) =>
          s.directives?.some((d) => d.name.value === 'include' || d.name.value === 'skip'),
        );
        return removed > 0 && mayBeEmpty
          ? { ...node, selections: [...node.selections, placeholder] }
          : undefined;
      },
    },
  };
  // Fragment definitions' type conditions first, so their spreads can be judged.
  for (const fragment of fragments) typeDenied(fragment.typeCondition.name.value);
  const rewritten = visit(single, visitWithTypeInfo(typeInfo, visitor));

  const result = {
    decisions: [...decisions.values()],
    denied,
    masked,
    touchesResponse: denied.size > 0 || masked.size > 0,
  };
  if (denied.size === 0 && !(masked.size > 0 && abstractSelections))
    return { ...result, document, source, queryHash };
  const cleaned = withTypenames(dropUnused(rewritten), engine);
  const printed = print(cleaned);
  return {
    ...result,
    document: cleaned,
    source: printed,
    queryHash: createHash('sha256').update(printed).digest('hex'),
  };
}

/** Drops fragments no longer spread and variables no longer used (the planner validates both). */
function dropUnused(document: DocumentNode): DocumentNode {
  const [operation, ...rest] = document.definitions as [OperationDefinitionNode, ...FragmentDefinitionNode[]];
  const byName = new Map(rest.map((f) => [f.name.value, f]));
  const reached = new Set<string>();
  const variables = new Set<string>();
  const scan = (node: OperationDefinitionNode | FragmentDefinitionNode) =>
    visit(node.selectionSet, {
      Variable(v) {
        variables.add(v.name.value);
      },
      FragmentSpread(spread) {
        const name = spread.name.value;
        if (reached.has(name)) return;
        reached.add(name);
        const fragment = byName.get(name);
        if (fragment) scan(fragment);
      },
    });
  scan(operation);
  const kept: OperationDefinitionNode = operation.variableDefinitions
    ? {
        ...operation,
        variableDefinitions: operation.variableDefinitions.filter((d) =>
          variables.has(d.variable.name.value),
        ),
      }
    : operation;
  return { ...document, definitions: [kept, ...rest.filter((f) => reached.has(f.name.value))] };
}

/** Adds `meshgate__typename: __typename` to every selection set on an abstract type. */
function withTypenames(document: DocumentNode, engine: PolicyEngine): DocumentNode {
  const typeInfo = new TypeInfo(engine.schema);
  return visit(
    document,
    visitWithTypeInfo(typeInfo, {
      SelectionSet: {
        leave(node: SelectionSetNode) {
          const type = typeInfo.getParentType();
          return type && isAbstractType(type)
            ? { ...node, selections: [...node.selections, typename] }
            : undefined;
        },
      },
    }),
  );
}

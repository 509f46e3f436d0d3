import { createHash } from 'node:crypto';
import {
  Kind,
  isAbstractType,
  print,
  type ArgumentNode,
  type DirectiveNode,
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  type OperationDefinitionNode,
  type SelectionNode,
  type SelectionSetNode,
  type ValueNode,
} from 'graphql';
import { invariant } from '../common/invariant.js';
import type { Principal } from '../common/types.js';
import type { AnalysedSelectionSet, OperationAnalysis } from '../operation/types.js';
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
 * The authorize stage for one operation and one principal, decided on the operation's
 * analysis (operation/operation-analysis.ts), whose coordinates were resolved against the
 * engine's API schema: every field (through aliases, named and inline fragments, whatever
 * @include/@skip will say) is decided by its schema coordinate. Denied fields and fragments
 * on denied types are removed *before query planning*, so no subgraph is asked for them; a
 * selection left empty keeps a placeholder `__typename` so the operation stays valid, and
 * fragments and variables only the removed fields used are dropped. Abstract-typed
 * selections get their `__typename` so masks and nulls apply to the right runtime type.
 *
 * Decisions depend on the document and the principal key only, never on variable values, so
 * the result is cached per (operation, principal key) by the caller.
 */
export function authorizeOperation(
  engine: PolicyEngine,
  principal: Principal,
  analysis: OperationAnalysis,
  source: string,
  queryHash: string,
): OperationAuthorization {
  invariant(analysis.schema === engine.schema, 'the operation was analysed against the schema of the engine');
  const decisions = new Map<string, FieldDecision>();
  const denied = new Map<string, string>();
  const masked = new Map<string, MaskStrategy>();

  const record = (decision: FieldDecision): FieldDecision => {
    if (!decisions.has(decision.coordinate)) decisions.set(decision.coordinate, decision);
    if (decision.effect === 'deny') denied.set(decision.coordinate, decision.rule);
    if (decision.effect === 'mask') masked.set(decision.coordinate, decision.strategy);
    return decision;
  };
  const typeDenied = (typeName: string | undefined) =>
    typeName !== undefined && record(engine.decideType(typeName, principal)).effect === 'deny';
  // In document order: the operation's selections, then each fragment's where it is defined
  // (once, wherever it is spread). Beneath a denied field or fragment nothing is decided: it
  // is removed whole. Every fragment of the document is decided, also one that only another
  // operation of it spreads (as this stage always did); the operation to plan drops it.
  const decide = (set: AnalysedSelectionSet): void => {
    for (const selection of set.selections) {
      if (selection.kind === 'field') {
        const denies =
          !selection.meta &&
          set.type !== undefined &&
          record(engine.decideField(set.type.name, selection.name, principal)).effect === 'deny';
        if (!denies && selection.selectionSet) decide(selection.selectionSet);
      } else if (selection.kind === 'inline') {
        if (!typeDenied(selection.typeCondition)) decide(selection.selectionSet);
      }
    }
  };
  // Fragment definitions' type conditions first, so their spreads can be judged.
  for (const fragment of analysis.fragments.values()) typeDenied(fragment.typeCondition);
  decide(analysis.selectionSet);
  for (const fragment of analysis.fragments.values()) decide(fragment.selectionSet);

  const result = {
    decisions: [...decisions.values()],
    denied,
    masked,
    touchesResponse: denied.size > 0 || masked.size > 0,
  };
  if (denied.size === 0 && !(masked.size > 0 && analysis.abstractSelections))
    return { ...result, rewritten: false, document: analysis.document, source, queryHash };
  const document = withoutDenied(analysis, denied);
  const printed = print(document);
  return {
    ...result,
    rewritten: true,
    document,
    source: printed,
    queryHash: createHash('sha256').update(printed).digest('hex'),
  };
}

/**
 * The operation to plan: only the operation that runs, without the denied selections (a set
 * left empty, or with only selections @include/@skip may drop, gets a placeholder), with the
 * fragments its remaining selections still spread and only the variables they still use (the
 * planner validates both), and `meshgate__typename` in every selection set on an abstract type.
 */
function withoutDenied(analysis: OperationAnalysis, denied: ReadonlyMap<string, string>): DocumentNode {
  const spread = new Set<string>();
  const pending: string[] = [];
  const variables = new Set<string>();
  const useVariables = (node: {
    readonly arguments?: readonly ArgumentNode[] | undefined;
    readonly directives?: readonly DirectiveNode[] | undefined;
  }) => {
    for (const argument of node.arguments ?? []) variablesIn(argument.value, variables);
    for (const directive of node.directives ?? [])
      for (const argument of directive.arguments ?? []) variablesIn(argument.value, variables);
  };
  const rewrite = (set: AnalysedSelectionSet): SelectionSetNode => {
    const kept: SelectionNode[] = [];
    let removed = 0;
    for (const selection of set.selections) {
      switch (selection.kind) {
        case 'field':
          if (!selection.meta && selection.coordinate !== undefined && denied.has(selection.coordinate)) {
            removed += 1;
            continue;
          }
          useVariables(selection.node);
          kept.push(
            selection.selectionSet
              ? { ...selection.node, selectionSet: rewrite(selection.selectionSet) }
              : selection.node,
          );
          continue;
        case 'inline':
          if (selection.typeCondition !== undefined && denied.has(selection.typeCondition)) {
            removed += 1;
            continue;
          }
          useVariables(selection.node);
          kept.push({ ...selection.node, selectionSet: rewrite(selection.selectionSet) });
          continue;
        case 'spread': {
          const fragment = analysis.fragments.get(selection.name);
          if (fragment && denied.has(fragment.typeCondition)) {
            removed += 1;
            continue;
          }
          useVariables(selection.node);
          if (!spread.has(selection.name)) {
            spread.add(selection.name);
            pending.push(selection.name);
          }
          kept.push(selection.node);
          continue;
        }
      }
    }
    // Left empty, or with only @include/@skip selections that may all be skipped at run time:
    // a placeholder keeps the parent an object rather than null.
    const mayBeEmpty = kept.every((s) =>
      s.directives?.some((d) => d.name.value === 'include' || d.name.value === 'skip'),
    );
    if (removed > 0 && mayBeEmpty) kept.push(placeholder);
    if (isAbstractType(set.type)) kept.push(typename);
    return { ...set.node, selections: kept };
  };

  const { operation } = analysis;
  const selectionSet = rewrite(analysis.selectionSet);
  const fragments = new Map<string, SelectionSetNode>();
  for (let name = pending.shift(); name !== undefined; name = pending.shift()) {
    const fragment = analysis.fragments.get(name);
    if (fragment) fragments.set(name, rewrite(fragment.selectionSet));
  }
  const kept: OperationDefinitionNode = {
    ...operation,
    selectionSet,
    ...(operation.variableDefinitions && {
      variableDefinitions: operation.variableDefinitions.filter((d) => variables.has(d.variable.name.value)),
    }),
  };
  const definitions: FragmentDefinitionNode[] = [];
  for (const fragment of analysis.fragments.values()) {
    const rewritten = fragments.get(fragment.name);
    if (rewritten) definitions.push({ ...fragment.node, selectionSet: rewritten });
  }
  return { kind: Kind.DOCUMENT, definitions: [kept, ...definitions] };
}

function variablesIn(value: ValueNode, into: Set<string>): void {
  switch (value.kind) {
    case Kind.VARIABLE:
      into.add(value.name.value);
      return;
    case Kind.LIST:
      for (const item of value.values) variablesIn(item, into);
      return;
    case Kind.OBJECT:
      for (const field of value.fields) variablesIn(field.value, into);
      return;
    default:
      return;
  }
}

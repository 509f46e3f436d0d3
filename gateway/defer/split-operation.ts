import type { GraphQLError } from 'graphql';
import {
  Kind,
  parse,
  print,
  visit,
  type DirectiveNode,
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  type FragmentSpreadNode,
  type InlineFragmentNode,
  type OperationDefinitionNode,
  type SelectionNode,
  type SelectionSetNode,
} from 'graphql';
import { ErrorCode, MeshgateGraphQLError, httpExtension } from '../common/errors.js';

/** One deferred fragment of an operation: where it sits, what it adds, and the part that delivers it. */
export interface DeferredPart {
  readonly label: string | undefined;
  /** The response keys from the root to the object the fragment is on (no list indices). */
  readonly path: readonly string[];
  /** The response keys the fragment adds there (not those of fragments deferred inside it). */
  readonly keys: readonly string[];
  /** The initial selections, the deferred fragments around this one and its own, @defer removed. */
  readonly query: string;
}

/**
 * An operation that uses @defer, split for incremental delivery: `initial` without any active
 * deferred fragment, one part per active deferred fragment, and `stripped`, the document with
 * every @defer removed (one ordinary response, and what lineage records).
 */
export interface DeferSplit {
  readonly initial: string;
  readonly deferred: readonly DeferredPart[];
  readonly stripped: DocumentNode;
}

/** The cheap test before anything is parsed: only a text with "@defer" can use it. */
export function mayUseDefer(query: string): boolean {
  return query.includes('@defer');
}

/** graphql-js's parse: a syntax error throws a GraphQLError, which the caller leaves to Apollo. */
export function parseOperation(query: string): DocumentNode {
  return parse(query);
}

/** A `@defer` of the operation, as written. */
interface Site {
  readonly node: InlineFragmentNode | FragmentSpreadNode;
  readonly label: string | undefined;
  readonly active: boolean;
  readonly path: readonly string[];
  /** The nearest enclosing active site, or null. */
  readonly parent: number | null;
}

/**
 * Splits the operation named `operationName` (the only one when unnamed) for incremental
 * delivery, or null when it uses no @defer (or cannot be resolved: Apollo's pipeline then
 * reports that as usual). `if:` is read from `variables`, then the variable's default, then
 * true; a fragment whose `if` is false stays in the initial part, @defer removed. Named
 * fragments with a @defer inside are inlined where they are spread, so that every @defer has
 * one place in the response; the others stay named.
 *
 * It runs before validation, so it refuses with DEFER_INVALID (400) what validation against a
 * schema with @defer would, and what the incremental delivery RFC refuses: @defer on a field,
 * `if:` or `label:` of the wrong type, a label used twice, @defer in a mutation or a
 * subscription (a mutation runs once, as a whole).
 */
export function splitOperation(
  document: DocumentNode,
  operationName: string | null | undefined,
  variables: Readonly<Record<string, unknown>> = {},
): DeferSplit | null {
  const operations = document.definitions.filter(
    (d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION,
  );
  const chosen = operationName
    ? operations.find((o) => o.name?.value === operationName)
    : operations.length === 1
      ? operations[0]
      : undefined;
  if (!chosen) return null;
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const d of document.definitions)
    if (d.kind === Kind.FRAGMENT_DEFINITION) fragments.set(d.name.value, d);
  const deferring = fragmentsWithDefer(fragments);
  const operation: OperationDefinitionNode = {
    ...chosen,
    selectionSet: inlineDeferring(chosen.selectionSet, fragments, deferring),
  };
  const sites = findSites(operation, variables);
  if (sites === null) return null;
  if (sites.length > 0 && operation.operation !== 'query')
    throw invalid(`@defer is supported on queries only: a ${operation.operation} runs once, as a whole`);
  const siteOf = new Map(sites.map((site, index) => [site.node, index]));
  const active = sites.flatMap((site, index) => (site.active ? [index] : []));
  const partOf = (kept: ReadonlySet<number>) => printPart(operation, fragments, siteOf, sites, kept);
  return {
    initial: partOf(new Set()),
    deferred: active.map((index) => {
      const site = sites[index]!;
      const kept = new Set<number>();
      for (let at: number | null = index; at !== null; at = sites[at]!.parent) kept.add(at);
      return {
        label: site.label,
        path: site.path,
        keys: keysOf(site.node, fragments, siteOf, sites),
        query: partOf(kept),
      };
    }),
    stripped: withoutDefer(document),
  };
}

/** The fragments that use @defer, directly or through the fragments they spread. */
function fragmentsWithDefer(fragments: ReadonlyMap<string, FragmentDefinitionNode>): ReadonlySet<string> {
  const found = new Set<string>();
  const check = (name: string, seen: Set<string>): boolean => {
    if (found.has(name)) return true;
    const fragment = fragments.get(name);
    if (!fragment || seen.has(name)) return false;
    seen.add(name);
    let uses = false;
    visit(fragment.selectionSet, {
      Directive(node) {
        if (node.name.value === 'defer') uses = true;
      },
      FragmentSpread(node) {
        if (check(node.name.value, seen)) uses = true;
      },
    });
    if (uses) found.add(name);
    return uses;
  };
  for (const name of fragments.keys()) check(name, new Set());
  return found;
}

function inlineDeferring(
  set: SelectionSetNode,
  fragments: ReadonlyMap<string, FragmentDefinitionNode>,
  deferring: ReadonlySet<string>,
): SelectionSetNode {
  const selections = set.selections.map((selection): SelectionNode => {
    if (selection.kind === Kind.FRAGMENT_SPREAD) {
      const fragment = fragments.get(selection.name.value);
      if (!fragment || !deferring.has(fragment.name.value)) return selection;
      return {
        kind: Kind.INLINE_FRAGMENT,
        typeCondition: fragment.typeCondition,
        directives: selection.directives ?? [],
        selectionSet: inlineDeferring(fragment.selectionSet, fragments, deferring),
      };
    }
    return selection.selectionSet
      ? { ...selection, selectionSet: inlineDeferring(selection.selectionSet, fragments, deferring) }
      : selection;
  });
  return { ...set, selections };
}

/** The operation's @defer sites, in document order; null when there are none. */
function findSites(
  operation: OperationDefinitionNode,
  variables: Readonly<Record<string, unknown>>,
): Site[] | null {
  const sites: Site[] = [];
  const labels = new Set<string>();
  let any = false;
  const walk = (set: SelectionSetNode, path: readonly string[], parent: number | null) => {
    for (const selection of set.selections) {
      const directive = deferOf(selection);
      if (selection.kind === Kind.FIELD) {
        if (directive)
          throw invalid(
            `@defer cannot apply to the field "${selection.name.value}": it goes on a fragment (... @defer { ${selection.name.value} })`,
          );
        if (selection.selectionSet) walk(selection.selectionSet, [...path, responseKey(selection)], parent);
        continue;
      }
      let inner = parent;
      if (directive) {
        any = true;
        const label = labelOf(directive);
        if (label !== undefined) {
          if (labels.has(label))
            throw invalid(`@defer label "${label}" is used twice: labels must be unique`);
          labels.add(label);
        }
        const active = conditionOf(directive, operation, variables);
        sites.push({ node: selection, label, active, path, parent });
        if (active) inner = sites.length - 1;
      }
      // A spread left named uses no @defer inside (inlineDeferring), so only inline fragments go on.
      if (selection.kind === Kind.INLINE_FRAGMENT) walk(selection.selectionSet, path, inner);
    }
  };
  walk(operation.selectionSet, [], null);
  return any ? sites : null;
}

/** The text of one part: deferred fragments not in `kept` removed, @defer removed from the rest. */
function printPart(
  operation: OperationDefinitionNode,
  fragments: ReadonlyMap<string, FragmentDefinitionNode>,
  siteOf: ReadonlyMap<SelectionNode, number>,
  sites: readonly Site[],
  kept: ReadonlySet<number>,
): string {
  const rewrite = (set: SelectionSetNode): SelectionSetNode => {
    const selections: SelectionNode[] = [];
    for (const selection of set.selections) {
      const site = siteOf.get(selection);
      if (site !== undefined && sites[site]!.active && !kept.has(site)) continue;
      const directives = (selection.directives ?? []).filter((d) => d.name.value !== 'defer');
      if (selection.kind === Kind.FRAGMENT_SPREAD) selections.push({ ...selection, directives });
      else if (selection.selectionSet) {
        const inner = rewrite(selection.selectionSet);
        // An inline fragment left with nothing of its own adds nothing.
        if (selection.kind === Kind.INLINE_FRAGMENT && isOnlyTypename(inner)) continue;
        selections.push({ ...selection, directives, selectionSet: inner });
      } else selections.push({ ...selection, directives });
    }
    // A selection set cannot be empty: what only deferred fragments selected becomes __typename.
    if (selections.length === 0) selections.push(TYPENAME);
    return { ...set, selections };
  };
  const rewritten: OperationDefinitionNode = { ...operation, selectionSet: rewrite(operation.selectionSet) };
  const used = usedFragments(rewritten.selectionSet, fragments);
  const definitions = [rewritten, ...[...fragments.values()].filter((f) => used.has(f.name.value))];
  return print({ kind: Kind.DOCUMENT, definitions });
}

/** The fragments a selection set spreads, transitively (unused ones would fail validation). */
function usedFragments(
  set: SelectionSetNode,
  fragments: ReadonlyMap<string, FragmentDefinitionNode>,
): ReadonlySet<string> {
  const used = new Set<string>();
  const walk = (inner: SelectionSetNode) =>
    visit(inner, {
      FragmentSpread(node) {
        const fragment = fragments.get(node.name.value);
        if (used.has(node.name.value) || !fragment) return;
        used.add(node.name.value);
        walk(fragment.selectionSet);
      },
    });
  walk(set);
  return used;
}

/** The response keys a deferred fragment adds (through fragments that are not deferred themselves). */
function keysOf(
  node: InlineFragmentNode | FragmentSpreadNode,
  fragments: ReadonlyMap<string, FragmentDefinitionNode>,
  siteOf: ReadonlyMap<SelectionNode, number>,
  sites: readonly Site[],
): readonly string[] {
  const keys = new Set<string>();
  const seen = new Set<string>();
  const walk = (set: SelectionSetNode | undefined) => {
    for (const selection of set?.selections ?? []) {
      const site = siteOf.get(selection);
      if (site !== undefined && sites[site]!.active) continue;
      if (selection.kind === Kind.FIELD) keys.add(responseKey(selection));
      else if (selection.kind === Kind.INLINE_FRAGMENT) walk(selection.selectionSet);
      else if (!seen.has(selection.name.value)) {
        seen.add(selection.name.value);
        walk(fragments.get(selection.name.value)?.selectionSet);
      }
    }
  };
  walk(node.kind === Kind.INLINE_FRAGMENT ? node.selectionSet : fragments.get(node.name.value)?.selectionSet);
  return [...keys];
}

function withoutDefer(document: DocumentNode): DocumentNode {
  return visit(document, { Directive: (node) => (node.name.value === 'defer' ? null : undefined) });
}

const TYPENAME: FieldNode = { kind: Kind.FIELD, name: { kind: Kind.NAME, value: '__typename' } };

function isOnlyTypename(set: SelectionSetNode): boolean {
  const [only, ...rest] = set.selections;
  return rest.length === 0 && only?.kind === Kind.FIELD && only.name.value === '__typename' && !only.alias;
}

function responseKey(field: FieldNode): string {
  return field.alias?.value ?? field.name.value;
}

function deferOf(selection: SelectionNode): DirectiveNode | undefined {
  return selection.directives?.find((d) => d.name.value === 'defer');
}

function labelOf(directive: DirectiveNode): string | undefined {
  const argument = directive.arguments?.find((a) => a.name.value === 'label');
  if (!argument) return undefined;
  if (argument.value.kind !== Kind.STRING)
    throw invalid(
      `@defer(label:) takes a String literal, not ${print(argument.value)}: it names the fragment in the response`,
    );
  return argument.value.value;
}

function conditionOf(
  directive: DirectiveNode,
  operation: OperationDefinitionNode,
  variables: Readonly<Record<string, unknown>>,
): boolean {
  const argument = directive.arguments?.find((a) => a.name.value === 'if');
  if (!argument) return true;
  const { value } = argument;
  if (value.kind === Kind.BOOLEAN) return value.value;
  if (value.kind !== Kind.VARIABLE) throw invalid(`@defer(if:) takes a Boolean, not ${print(value)}`);
  const name = value.name.value;
  let given = variables[name];
  if (given === undefined) {
    const declared = operation.variableDefinitions?.find((v) => v.variable.name.value === name);
    const fallback = declared?.defaultValue;
    given = fallback === undefined ? null : fallback.kind === Kind.BOOLEAN ? fallback.value : print(fallback);
  }
  if (typeof given !== 'boolean')
    throw invalid(`@defer(if: $${name}) needs a Boolean variable, got ${JSON.stringify(given)}`);
  return given;
}

function invalid(message: string): GraphQLError {
  const code = ErrorCode.DEFER_INVALID;
  return new MeshgateGraphQLError(code, message, { http: httpExtension(code) });
}

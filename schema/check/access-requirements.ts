import { Kind, type DirectiveNode, type ValueNode } from 'graphql';
import type { SchemaView } from './schema-view.js';

/**
 * What Apollo's authorization directives require of a type or field
 * (https://www.apollographql.com/docs/graphos/routing/security/authorization):
 * `@authenticated`, `@requiresScopes(scopes:)` and `@policy(policies:)`, the last two an OR
 * of AND lists. Read from the supergraph, which keeps them (the API schema does not).
 */
export interface AccessRequirement {
  readonly authenticated: boolean;
  readonly scopes: readonly (readonly string[])[] | null;
  readonly policies: readonly (readonly string[])[] | null;
}

/** Requirements by coordinate (`Type` or `Type.field`), for the directive names governance lists. */
export function accessRequirements(
  view: SchemaView,
  directiveNames: readonly string[],
): Map<string, AccessRequirement> {
  const result = new Map<string, AccessRequirement>();
  const record = (coordinate: string, directives: readonly DirectiveNode[] | undefined) => {
    const relevant = (directives ?? []).filter((d) => directiveNames.includes(d.name.value));
    if (relevant.length === 0) return;
    const lists = (name: string, argument: string) => {
      const found = relevant.filter((d) => d.name.value === name);
      return found.length === 0
        ? null
        : found.flatMap((d) => listOfLists(d.arguments?.find((a) => a.name.value === argument)?.value));
    };
    result.set(coordinate, {
      authenticated: relevant.some((d) => d.name.value === 'authenticated'),
      scopes: lists('requiresScopes', 'scopes'),
      policies: lists('policy', 'policies'),
    });
  };
  for (const definition of view.document.definitions) {
    if (!('name' in definition) || !definition.name || !('directives' in definition)) continue;
    const type = definition.name.value;
    record(type, definition.directives);
    if (
      definition.kind === Kind.OBJECT_TYPE_DEFINITION ||
      definition.kind === Kind.INTERFACE_TYPE_DEFINITION
    ) {
      for (const field of definition.fields ?? []) record(`${type}.${field.name.value}`, field.directives);
    }
  }
  return result;
}

function listOfLists(value: ValueNode | undefined): string[][] {
  if (value?.kind !== Kind.LIST) return [];
  return value.values.map((inner) =>
    (inner.kind === Kind.LIST ? inner.values : [inner]).flatMap((v) =>
      v.kind === Kind.STRING ? [v.value] : [],
    ),
  );
}

/**
 * How `proposed` is weaker than `base`, in words; empty when it is as strict or stricter. An
 * OR of AND lists is no weaker when every proposed AND list contains some baseline AND list
 * (whoever satisfies the new one satisfied an old one).
 */
export function loosenings(
  base: AccessRequirement | undefined,
  proposed: AccessRequirement | undefined,
): string[] {
  if (!base) return [];
  const reasons: string[] = [];
  if (base.authenticated && !proposed?.authenticated) reasons.push('@authenticated removed');
  for (const [name, old, now] of [
    ['@requiresScopes', base.scopes, proposed?.scopes ?? null],
    ['@policy', base.policies, proposed?.policies ?? null],
  ] as const) {
    if (old === null) continue;
    if (now === null) reasons.push(`${name} removed`);
    else if (!now.every((and) => old.some((oldAnd) => oldAnd.every((item) => and.includes(item)))))
      reasons.push(`${name} loosened from ${format(old)} to ${format(now)}`);
  }
  return reasons;
}

function format(lists: readonly (readonly string[])[]): string {
  return lists.map((and) => `[${and.join(' AND ')}]`).join(' OR ');
}

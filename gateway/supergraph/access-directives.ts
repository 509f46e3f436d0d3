import {
  Kind,
  valueFromASTUntyped,
  type ConstDirectiveNode,
  type DefinitionNode,
  type DocumentNode,
} from 'graphql';

/**
 * What a supergraph declares about access, in the directives its API schema drops:
 *
 * - **Classification.** Domains classify fields in their own SDL with federation's `@tag`:
 *   `email: String! @tag(name: "pii")` (pii, pci, confidential; on a type, it classifies all
 *   its fields). We chose `@tag` over a composed custom directive because composition already
 *   carries `@tag` into the supergraph (tag spec v0.3) for every subgraph with no
 *   `@composeDirective`, and tag names are plain data schema checks can diff. Tags that are
 *   not a known classification (e.g. contract tags) are ignored here.
 * - **Apollo's authorization directives** `@authenticated`, `@requiresScopes(scopes:)`,
 *   `@policy(policies:)` on fields and types, with the GraphOS Router's semantics (OR of AND
 *   lists). Names follow the supergraph's `@link(…, as:)` if a spec was renamed.
 */
export type Requirement =
  | { readonly kind: 'authenticated' }
  | { readonly kind: 'requiresScopes'; readonly anyOf: readonly (readonly string[])[] }
  | { readonly kind: 'policy'; readonly anyOf: readonly (readonly string[])[] };

export interface AccessDirectives {
  /** Classifications by `Type.field` (a type's own tags included). */
  readonly classification: ReadonlyMap<string, readonly string[]>;
  /** Directive requirements by `Type.field` or by `Type`. */
  readonly requirements: ReadonlyMap<string, readonly Requirement[]>;
}

const SPECS = {
  tag: 'tag',
  authenticated: 'authenticated',
  requiresScopes: 'requiresScopes',
  policy: 'policy',
} as const;

export function readAccessDirectives(
  document: DocumentNode,
  classifications: readonly string[],
): AccessDirectives {
  const names = directiveNames(document.definitions);
  const classification = new Map<string, string[]>();
  const requirements = new Map<string, Requirement[]>();
  const add = <T>(map: Map<string, T[]>, key: string, values: T[]) =>
    values.length && map.set(key, [...(map.get(key) ?? []), ...values]);

  for (const definition of document.definitions) {
    if (!('fields' in definition) || !('name' in definition) || !definition.name) continue;
    if (
      definition.kind === Kind.INPUT_OBJECT_TYPE_DEFINITION ||
      definition.kind === Kind.INPUT_OBJECT_TYPE_EXTENSION
    )
      continue;
    const typeName = definition.name.value;
    const typeTags = tagsOf(definition.directives ?? [], names.tag, classifications);
    add(requirements, typeName, requirementsOf(definition.directives ?? [], names));
    for (const field of definition.fields ?? []) {
      const coordinate = `${typeName}.${field.name.value}`;
      add(classification, coordinate, [
        ...typeTags,
        ...tagsOf(field.directives ?? [], names.tag, classifications),
      ]);
      add(requirements, coordinate, requirementsOf(field.directives ?? [], names));
    }
  }
  // Scalars and enums may carry requirements too: a field returning them needs them.
  for (const definition of document.definitions) {
    if (
      (definition.kind === Kind.SCALAR_TYPE_DEFINITION || definition.kind === Kind.ENUM_TYPE_DEFINITION) &&
      definition.directives
    ) {
      add(requirements, definition.name.value, requirementsOf(definition.directives, names));
    }
  }
  // Frozen: every consumer of the supergraph model shares these lists.
  const frozen = <T>(map: Map<string, T[]>, distinct: boolean) =>
    new Map([...map].map(([key, values]) => [key, Object.freeze(distinct ? [...new Set(values)] : values)]));
  return { classification: frozen(classification, true), requirements: frozen(requirements, false) };
}

/** Local names of the specs' directives, from the supergraph's `@link(url:, as:)`. */
function directiveNames(definitions: readonly DefinitionNode[]): Record<keyof typeof SPECS, string> {
  const names: Record<keyof typeof SPECS, string> = { ...SPECS };
  for (const definition of definitions) {
    if (definition.kind !== Kind.SCHEMA_DEFINITION && definition.kind !== Kind.SCHEMA_EXTENSION) continue;
    for (const link of definition.directives ?? []) {
      if (link.name.value !== 'link') continue;
      const args = argumentsOf(link);
      const url = typeof args.url === 'string' ? args.url : '';
      const spec = /specs\.apollo\.dev\/(tag|authenticated|requiresScopes|policy)\/v/.exec(url)?.[1] as
        keyof typeof SPECS | undefined;
      if (spec && typeof args.as === 'string') names[spec] = args.as;
    }
  }
  return names;
}

function tagsOf(
  directives: readonly ConstDirectiveNode[],
  tag: string,
  classifications: readonly string[],
): string[] {
  return directives
    .filter((d) => d.name.value === tag)
    .map((d) => argumentsOf(d).name)
    .filter((name): name is string => typeof name === 'string' && classifications.includes(name));
}

function requirementsOf(
  directives: readonly ConstDirectiveNode[],
  names: Record<keyof typeof SPECS, string>,
): Requirement[] {
  const found: Requirement[] = [];
  for (const directive of directives) {
    const args = argumentsOf(directive);
    if (directive.name.value === names.authenticated) found.push({ kind: 'authenticated' });
    else if (directive.name.value === names.requiresScopes)
      found.push({ kind: 'requiresScopes', anyOf: lists(args.scopes) });
    else if (directive.name.value === names.policy)
      found.push({ kind: 'policy', anyOf: lists(args.policies) });
  }
  return found;
}

function argumentsOf(directive: ConstDirectiveNode): Record<string, unknown> {
  return Object.fromEntries(
    (directive.arguments ?? []).map((a) => [a.name.value, valueFromASTUntyped(a.value)]),
  );
}

function lists(value: unknown): string[][] {
  return Array.isArray(value)
    ? value.map((inner) =>
        Array.isArray(inner) ? inner.filter((s): s is string => typeof s === 'string') : [],
      )
    : [];
}

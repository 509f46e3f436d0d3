import { Kind, type DirectiveNode, type DocumentNode } from 'graphql';

/** A subgraph (data product) of the supergraph, as its `join__Graph` enum declares it. */
export interface SupergraphSubgraph {
  /** `@join__graph(name:)`: the data product's name. */
  readonly name: string;
  /** `@join__graph(url:)`: where the supergraph routes it (SUBGRAPH_URLS may re-route it). */
  readonly url: string;
}

/** Which data product (subgraph) serves each field of an object or interface type. */
export interface Ownership {
  /** Subgraph names for `Type.field`, in supergraph order; empty when unknown. */
  owners(typeName: string, fieldName: string): readonly string[];
}

export interface JoinSpec {
  /** In `join__Graph` order; only values that name a subgraph and its URL. */
  readonly subgraphs: readonly SupergraphSubgraph[];
  readonly ownership: Ownership;
  /** Subgraphs that define a type of any kind (`@join__type`), in supergraph order. */
  typeOwners(typeName: string): readonly string[];
}

const NONE: readonly string[] = Object.freeze([]);

/**
 * What a supergraph's join spec directives (https://specs.apollo.dev/join/v0.5) say about its
 * subgraphs: `@join__graph(name:, url:)` on the `join__Graph` enum names each one,
 * `@join__type(graph:)` lists the subgraphs that define a type and `@join__field(graph:)` the
 * ones that resolve a field. A field without `@join__field` is resolvable in every subgraph of
 * its type; an `external` one is resolved elsewhere.
 */
export function readJoinSpec(document: DocumentNode): JoinSpec {
  const graphNames = new Map<string, string>();
  const subgraphs: SupergraphSubgraph[] = [];
  for (const definition of document.definitions) {
    if (definition.kind !== Kind.ENUM_TYPE_DEFINITION || definition.name.value !== 'join__Graph') continue;
    for (const value of definition.values ?? []) {
      const graph = value.directives?.find((d) => d.name.value === 'join__graph');
      const name = stringArgument(graph, 'name');
      const url = stringArgument(graph, 'url');
      if (name) graphNames.set(value.name.value, name);
      if (name && url) subgraphs.push(Object.freeze({ name, url }));
    }
  }
  // A graph the enum does not name (a hand-edited supergraph) still reads as its enum value.
  const graph = (enumValue: string | undefined) =>
    enumValue ? (graphNames.get(enumValue) ?? enumValue.toLowerCase()) : undefined;

  const typeOwners = new Map<string, readonly string[]>();
  const fieldOwners = new Map<string, readonly string[]>();
  for (const definition of document.definitions) {
    if (!('name' in definition) || !definition.name || !('directives' in definition)) continue;
    const typeName = definition.name.value;
    const owners = new Set(typeOwners.get(typeName));
    for (const directive of definition.directives ?? []) {
      const owner =
        directive.name.value === 'join__type' ? graph(enumArgument(directive, 'graph')) : undefined;
      if (owner) owners.add(owner);
    }
    if (owners.size > 0) typeOwners.set(typeName, Object.freeze([...owners]));
    if (
      definition.kind !== Kind.OBJECT_TYPE_DEFINITION &&
      definition.kind !== Kind.INTERFACE_TYPE_DEFINITION &&
      definition.kind !== Kind.OBJECT_TYPE_EXTENSION &&
      definition.kind !== Kind.INTERFACE_TYPE_EXTENSION
    )
      continue;
    for (const field of definition.fields ?? []) {
      const graphs = (field.directives ?? [])
        .filter((d) => d.name.value === 'join__field' && !booleanArgument(d, 'external'))
        .map((d) => graph(enumArgument(d, 'graph')))
        .filter((g): g is string => g !== undefined);
      if (graphs.length > 0)
        fieldOwners.set(`${typeName}.${field.name.value}`, Object.freeze([...new Set(graphs)]));
    }
  }

  const ownersOfType = (typeName: string) => typeOwners.get(typeName) ?? NONE;
  return {
    subgraphs: Object.freeze(subgraphs),
    ownership: Object.freeze({
      owners: (typeName: string, fieldName: string) =>
        fieldOwners.get(`${typeName}.${fieldName}`) ?? ownersOfType(typeName),
    }),
    typeOwners: ownersOfType,
  };
}

function stringArgument(directive: DirectiveNode | undefined, name: string): string | undefined {
  const node = directive?.arguments?.find((a) => a.name.value === name)?.value;
  return node?.kind === Kind.STRING ? node.value : undefined;
}

function enumArgument(directive: DirectiveNode, name: string): string | undefined {
  const node = directive.arguments?.find((a) => a.name.value === name)?.value;
  return node?.kind === Kind.ENUM ? node.value : undefined;
}

function booleanArgument(directive: DirectiveNode, name: string): boolean {
  const node = directive.arguments?.find((a) => a.name.value === name)?.value;
  return node?.kind === Kind.BOOLEAN && node.value;
}

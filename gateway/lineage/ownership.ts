import { Kind, parse, type ConstDirectiveNode, type DocumentNode } from 'graphql';

/**
 * Which data product (subgraph) serves each type and field, read from a supergraph's join
 * spec directives (https://specs.apollo.dev/join/v0.5): `@join__graph(name:)` on the
 * `join__Graph` enum names each subgraph, `@join__type(graph:)` lists the subgraphs that
 * define a type and `@join__field(graph:)` the ones that resolve a field. A field without
 * `@join__field` is resolvable in every subgraph of its type.
 */
export interface Ownership {
  /** Subgraph names for `Type.field`, in supergraph order; empty when unknown. */
  owners(typeName: string, fieldName: string): readonly string[];
}

const byCoreSdl = new Map<string, Ownership>();

/** Built once per supergraph text: the gateway calls this again only when the schema changes. */
export function ownershipOf(coreSupergraphSdl: string): Ownership {
  let ownership = byCoreSdl.get(coreSupergraphSdl);
  if (!ownership) {
    ownership = buildOwnership(parse(coreSupergraphSdl, { noLocation: true }));
    byCoreSdl.clear(); // one live supergraph at a time; the previous one is garbage
    byCoreSdl.set(coreSupergraphSdl, ownership);
  }
  return ownership;
}

function buildOwnership(document: DocumentNode): Ownership {
  const graphNames = new Map<string, string>();
  const typeOwners = new Map<string, string[]>();
  const fieldOwners = new Map<string, string[]>();
  for (const definition of document.definitions) {
    if (definition.kind === Kind.ENUM_TYPE_DEFINITION && definition.name.value === 'join__Graph') {
      for (const value of definition.values ?? []) {
        const name = argument(value.directives, 'join__graph', 'name');
        if (name) graphNames.set(value.name.value, name);
      }
    }
  }
  const graph = (enumValue: string | undefined) =>
    enumValue ? (graphNames.get(enumValue) ?? enumValue.toLowerCase()) : undefined;
  for (const definition of document.definitions) {
    if (
      definition.kind !== Kind.OBJECT_TYPE_DEFINITION &&
      definition.kind !== Kind.INTERFACE_TYPE_DEFINITION &&
      definition.kind !== Kind.OBJECT_TYPE_EXTENSION &&
      definition.kind !== Kind.INTERFACE_TYPE_EXTENSION
    ) {
      continue;
    }
    const typeName = definition.name.value;
    const owners = typeOwners.get(typeName) ?? [];
    for (const directive of definition.directives ?? []) {
      const owner =
        directive.name.value === 'join__type' ? graph(enumArgument(directive, 'graph')) : undefined;
      if (owner && !owners.includes(owner)) owners.push(owner);
    }
    typeOwners.set(typeName, owners);
    for (const field of definition.fields ?? []) {
      const graphs = (field.directives ?? [])
        .filter((d) => d.name.value === 'join__field' && !booleanArgument(d, 'external'))
        .map((d) => graph(enumArgument(d, 'graph')))
        .filter((g): g is string => g !== undefined);
      if (graphs.length > 0) fieldOwners.set(`${typeName}.${field.name.value}`, [...new Set(graphs)]);
    }
  }
  return {
    owners: (typeName, fieldName) =>
      fieldOwners.get(`${typeName}.${fieldName}`) ?? typeOwners.get(typeName) ?? [],
  };
}

function argument(
  directives: readonly ConstDirectiveNode[] | undefined,
  directive: string,
  name: string,
): string | undefined {
  const node = directives
    ?.find((d) => d.name.value === directive)
    ?.arguments?.find((a) => a.name.value === name)?.value;
  return node?.kind === Kind.STRING ? node.value : undefined;
}

function enumArgument(directive: ConstDirectiveNode, name: string): string | undefined {
  const node = directive.arguments?.find((a) => a.name.value === name)?.value;
  return node?.kind === Kind.ENUM ? node.value : undefined;
}

function booleanArgument(directive: ConstDirectiveNode, name: string): boolean {
  const node = directive.arguments?.find((a) => a.name.value === name)?.value;
  return node?.kind === Kind.BOOLEAN && node.value;
}

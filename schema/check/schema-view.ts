import { Supergraph } from '@apollo/federation-internals';
import {
  isEnumType,
  isInputObjectType,
  isInterfaceType,
  isObjectType,
  Kind,
  parse,
  type ConstDirectiveNode,
  type DocumentNode,
  type GraphQLSchema,
} from 'graphql';
import { ownershipOf } from '../../gateway/lineage/ownership.js';

/**
 * One supergraph as the check reads it: its API schema (what clients see: the join and link
 * machinery stripped, `@inaccessible` elements removed — the Supergraph API of
 * @apollo/federation-internals), its AST (for the directives the API schema drops: `@tag`,
 * the authorization directives), and which subgraphs define each coordinate.
 */
export interface SchemaView {
  readonly supergraphSdl: string;
  readonly api: GraphQLSchema;
  readonly document: DocumentNode;
  /** Subgraphs that define `Type`, `Type.field`, `Type.field(arg:)` or `Enum.VALUE`, sorted. */
  subgraphsOf(coordinate: string): readonly string[];
  /** Whether the API schema has this coordinate. */
  has(coordinate: string): boolean;
}

/** Throws when the text is not a valid supergraph (the caller names where it came from). */
export function schemaView(supergraphSdl: string): SchemaView {
  const api = Supergraph.build(supergraphSdl).apiSchema().toGraphQLJSSchema();
  const document = parse(supergraphSdl);
  // Fields of object and interface types: the lineage module's reading of @join__field.
  const fieldOwners = ownershipOf(supergraphSdl);
  const typeOwners = joinTypeOwners(document);
  return {
    supergraphSdl,
    api,
    document,
    subgraphsOf(coordinate) {
      const { type, member } = splitCoordinate(coordinate);
      const named = api.getType(type);
      const ofField = member !== undefined && (isObjectType(named) || isInterfaceType(named));
      const owners = ofField ? fieldOwners.owners(type, member) : (typeOwners.get(type) ?? []);
      return [...new Set(owners)].sort();
    },
    has: (coordinate) => hasCoordinate(api, coordinate),
  };
}

function hasCoordinate(api: GraphQLSchema, coordinate: string): boolean {
  const { type, member, argument } = splitCoordinate(coordinate);
  const named = api.getType(type);
  if (!named || member === undefined) return named !== undefined && named !== null;
  if (isEnumType(named)) return named.getValue(member) !== undefined && argument === undefined;
  if (!isObjectType(named) && !isInterfaceType(named) && !isInputObjectType(named)) return false;
  const field = named.getFields()[member];
  if (!field || argument === undefined) return field !== undefined;
  return 'args' in field && field.args.some((a) => a.name === argument);
}

/** `Type`, `Type.field`, `Type.field(arg:)`, `Enum.VALUE` → its parts. */
export function splitCoordinate(coordinate: string): {
  type: string;
  member: string | undefined;
  argument: string | undefined;
} {
  const match = /^([^.]+)(?:\.([^(]+)(?:\((\w+):\))?)?$/.exec(coordinate);
  return { type: match?.[1] ?? coordinate, member: match?.[2], argument: match?.[3] };
}

/** `@join__type(graph:)` on every kind of type (enums and inputs too), by subgraph name. */
function joinTypeOwners(document: DocumentNode): Map<string, string[]> {
  const graphNames = new Map<string, string>();
  const owners = new Map<string, string[]>();
  for (const definition of document.definitions) {
    if (definition.kind === Kind.ENUM_TYPE_DEFINITION && definition.name.value === 'join__Graph') {
      for (const value of definition.values ?? []) {
        const name = stringArgument(
          value.directives?.find((d) => d.name.value === 'join__graph'),
          'name',
        );
        if (name) graphNames.set(value.name.value, name);
      }
    }
  }
  for (const definition of document.definitions) {
    if (!('name' in definition) || !definition.name || !('directives' in definition)) continue;
    for (const directive of definition.directives ?? []) {
      if (directive.name.value !== 'join__type') continue;
      const graph = directive.arguments?.find((a) => a.name.value === 'graph')?.value;
      if (graph?.kind !== Kind.ENUM) continue;
      const list = owners.get(definition.name.value) ?? [];
      list.push(graphNames.get(graph.value) ?? graph.value.toLowerCase());
      owners.set(definition.name.value, list);
    }
  }
  return owners;
}

function stringArgument(directive: ConstDirectiveNode | undefined, name: string): string | undefined {
  const value = directive?.arguments?.find((a) => a.name.value === name)?.value;
  return value?.kind === Kind.STRING ? value.value : undefined;
}

import {
  isEnumType,
  isInputObjectType,
  isInterfaceType,
  isObjectType,
  type DocumentNode,
  type GraphQLSchema,
} from 'graphql';
import { supergraphModel } from '../../gateway/supergraph/supergraph-model.js';

/**
 * One supergraph as the check reads it: its API schema (what clients see: the join and link
 * machinery stripped, `@inaccessible` elements removed — the Supergraph API of
 * @apollo/federation-internals), its AST (for the directives the API schema drops: `@tag`,
 * the authorization directives), and which subgraphs define each coordinate. All three come
 * from the gateway's supergraph model, so the check reads a supergraph as the gateway does.
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
  const model = supergraphModel(supergraphSdl);
  const api = model.apiSchema;
  return {
    supergraphSdl,
    api,
    document: model.document,
    subgraphsOf(coordinate) {
      const { type, member } = splitCoordinate(coordinate);
      const named = api.getType(type);
      // A field of an object or interface type: @join__field; anything else: its type's @join__type.
      const ofField = member !== undefined && (isObjectType(named) || isInterfaceType(named));
      const owners = ofField ? model.ownership.owners(type, member) : model.typeOwners(type);
      return [...owners].sort();
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

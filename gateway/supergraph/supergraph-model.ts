import { Supergraph } from '@apollo/federation-internals';
import { parse, type DocumentNode, type GraphQLSchema } from 'graphql';
import { supergraphId } from '../../schema/registry/supergraph-record.js';
import { Classification } from '../protocol/index.js';
import { readAccessDirectives, type Requirement } from './access-directives.js';
import { readJoinSpec, type Ownership, type SupergraphSubgraph } from './join-spec.js';

/**
 * One supergraph, read once: everything the gateway's stages (policy, lineage, catalog,
 * `/ready`) and the governance checks need from its SDL, derived from a single `parse`.
 * Before, each of them parsed the SDL on its own, and `GET /catalog` twice per request.
 */
export interface SupergraphModel {
  /** `supergraphId(sdl)`: the id `/ready`, the registry and the catalog know it by. */
  readonly id: string;
  readonly sdl: string;
  /**
   * The SDL's one parse, without locations. Shared by every consumer: read it, never change
   * it (graphql-js AST nodes are plain objects).
   */
  readonly document: DocumentNode;
  /**
   * What clients can query: the join and link machinery stripped, `@inaccessible` removed.
   * The one @apollo/gateway derived when the caller passed it, else derived from `document`
   * on first read (the expensive part, so nothing pays for it that does not need it).
   * Throws when the SDL is not a valid supergraph.
   */
  readonly apiSchema: GraphQLSchema;
  /** In `join__Graph` order. */
  readonly subgraphs: readonly SupergraphSubgraph[];
  /** Subgraph name → the URL the supergraph declares for it. */
  readonly subgraphUrls: Readonly<Record<string, string>>;
  /** Which subgraphs resolve each field (`@join__field`, else the type's `@join__type`). */
  readonly ownership: Ownership;
  /** Subgraphs that define a type of any kind (`@join__type`), in supergraph order. */
  typeOwners(typeName: string): readonly string[];
  /** Known classifications (`@tag(name: "pii")` …) by `Type.field`. */
  readonly classification: ReadonlyMap<string, readonly string[]>;
  /** `@authenticated`, `@requiresScopes`, `@policy` by `Type.field` or `Type`. */
  readonly requirements: ReadonlyMap<string, readonly Requirement[]>;
}

export interface DerivedAlready {
  /** The API schema @apollo/gateway derived from this very SDL: used instead of deriving it again. */
  readonly apiSchema?: GraphQLSchema | undefined;
}

/**
 * The model of a supergraph SDL, read once. Whoever loads a supergraph builds its model once
 * and hands that object to every reader (the gateway's stages get it from the runner's
 * schema-change hook): nothing is shared through a module-level cache.
 */
export function supergraphModel(sdl: string, derived: DerivedAlready = {}): SupergraphModel {
  const document = parse(sdl, { noLocation: true });
  const join = readJoinSpec(document);
  const access = readAccessDirectives(document, Classification.options);
  let apiSchema = derived.apiSchema;
  return Object.freeze({
    id: supergraphId(sdl),
    sdl,
    document,
    get apiSchema(): GraphQLSchema {
      // `supportedFeatures: null`: the model reads any valid supergraph, e.g. one whose
      // `@authenticated` link is `for: SECURITY`. Whether it may be *served* is decided where
      // it is served (@apollo/gateway, policy/security-features.ts), not here.
      apiSchema ??= Supergraph.build(document, { supportedFeatures: null }).apiSchema().toGraphQLJSSchema();
      return apiSchema;
    },
    subgraphs: join.subgraphs,
    subgraphUrls: Object.freeze(Object.fromEntries(join.subgraphs.map((s) => [s.name, s.url]))),
    ownership: join.ownership,
    typeOwners: join.typeOwners,
    classification: access.classification,
    requirements: access.requirements,
  });
}

export type { Ownership, SupergraphSubgraph } from './join-spec.js';
export type { Requirement } from './access-directives.js';

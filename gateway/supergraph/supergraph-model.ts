import { Supergraph } from '@apollo/federation-internals';
import { parse, type DocumentNode, type GraphQLSchema } from 'graphql';
import { supergraphId } from '../../schema/registry/supergraph-record.js';
import { Classification } from '../../subgraphs/kit/descriptor.js';
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

interface Entry {
  readonly model: SupergraphModel;
  offerApiSchema(apiSchema: GraphQLSchema): void;
}

/**
 * The gateway serves one supergraph at a time, but a hot reload briefly has two and the schema
 * check compares a base with a proposal: a few models are kept, the least recently used one
 * goes first, so a swapped-out supergraph does not stay in memory for ever.
 */
const MODELS_KEPT = 4;
const entries = new Map<string, Entry>();

/**
 * The model of a supergraph SDL. The same text gives the same model object, so stages that
 * each learn of a schema load on their own (the gateway's `onSchemaLoadOrUpdate` listeners,
 * Apollo Server's `schemaDidLoadOrUpdate`) share one reading of it.
 */
export function supergraphModel(sdl: string, derived: DerivedAlready = {}): SupergraphModel {
  const entry = entries.get(sdl) ?? buildEntry(sdl);
  entries.delete(sdl); // re-inserted last: a Map iterates in insertion order, oldest first
  entries.set(sdl, entry);
  for (const key of entries.keys()) {
    if (entries.size <= MODELS_KEPT) break;
    entries.delete(key);
  }
  if (derived.apiSchema) entry.offerApiSchema(derived.apiSchema);
  return entry.model;
}

function buildEntry(sdl: string): Entry {
  const document = parse(sdl, { noLocation: true });
  const join = readJoinSpec(document);
  const access = readAccessDirectives(document, Classification.options);
  let apiSchema: GraphQLSchema | undefined;
  const model: SupergraphModel = Object.freeze({
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
  return {
    model,
    offerApiSchema(derivedSchema) {
      // Only before the first read: a model's API schema never changes under its readers.
      apiSchema ??= derivedSchema;
    },
  };
}

export type { Ownership, SupergraphSubgraph } from './join-spec.js';
export type { Requirement } from './access-directives.js';

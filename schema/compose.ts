import { composeServices } from '@apollo/composition';
import { parse, type ASTNode, type GraphQLError } from 'graphql';

/** One subgraph's SDL and the URL the supergraph routes it to. */
export interface SubgraphSource {
  name: string;
  url: string;
  sdl: string;
}

/** A composition error or hint, with the subgraph(s) it comes from when known. */
export interface CompositionFinding {
  code: string;
  message: string;
  subgraphs: string[];
}

export type CompositionResult =
  | { ok: true; supergraphSdl: string; hints: CompositionFinding[] }
  | { ok: false; errors: CompositionFinding[] };

/**
 * Composes subgraphs into a supergraph with @apollo/composition. Subgraphs are sorted by name
 * first, so the same inputs always give the same bytes (the committed file diffs cleanly).
 */
export function composeSupergraph(sources: readonly SubgraphSource[]): CompositionResult {
  const sorted = [...sources].sort((a, b) => a.name.localeCompare(b.name));
  const parseErrors: CompositionFinding[] = [];
  const services = sorted.flatMap((source) => {
    try {
      return [{ name: source.name, url: source.url, typeDefs: parse(source.sdl) }];
    } catch (error) {
      parseErrors.push({
        code: 'INVALID_GRAPHQL',
        message: (error as Error).message,
        subgraphs: [source.name],
      });
      return [];
    }
  });
  if (parseErrors.length) return { ok: false, errors: parseErrors };

  const result = composeServices(services);
  if (result.errors) return { ok: false, errors: result.errors.map(toFinding) };
  return {
    ok: true,
    supergraphSdl: result.supergraphSdl,
    hints: result.hints.map((hint) => ({
      code: hint.definition.code,
      message: hint.message,
      subgraphs: subgraphsOf(hint.nodes ? [hint.nodes].flat() : []),
    })),
  };
}

function toFinding(error: GraphQLError): CompositionFinding {
  const code = error.extensions.code;
  return {
    code: typeof code === 'string' ? code : 'COMPOSITION_ERROR',
    message: error.message,
    subgraphs: subgraphsOf(error.nodes ?? []),
  };
}

/** Composition marks each AST node it reports with the subgraph it was read from. */
function subgraphsOf(nodes: readonly ASTNode[]): string[] {
  const names = nodes
    .map((node) => (node as ASTNode & { subgraph?: unknown }).subgraph)
    .filter((s): s is string => typeof s === 'string');
  return [...new Set(names)].sort();
}

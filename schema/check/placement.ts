import { Kind, parse, type ASTNode, type DocumentNode } from 'graphql';
import type { SchemaView } from './schema-view.js';
import { splitCoordinate } from './schema-view.js';
import { domainOf, type SubgraphInput } from './subgraph-sources.js';
import type { SourceLocation } from './types.js';

/** Where a finding belongs: the subgraphs that define its coordinate, their domains, a source line. */
export interface Placement {
  readonly subgraphs: readonly string[];
  readonly domains: readonly string[];
  readonly location: SourceLocation | null;
}

export type Place = (
  coordinate: string | null,
  view: SchemaView | null,
  subgraphs?: readonly string[],
) => Placement;

/**
 * Places coordinates in the proposed sources: the owning subgraphs come from the supergraph
 * (the baseline's for a removed coordinate), the domain from each subgraph's descriptor, the
 * line from the subgraph's SDL (the type's line when the member is gone) — of the proposed
 * subgraph (`preferred`) when it is among the owners.
 */
export function placer(inputs: readonly SubgraphInput[], preferred?: string): Place {
  const byName = new Map(inputs.map((input) => [input.name, input]));
  const documents = new Map<string, DocumentNode | null>();
  const documentOf = (input: SubgraphInput) => {
    if (!documents.has(input.name)) {
      let document: DocumentNode | null = null;
      try {
        document = parse(input.sdl);
      } catch {
        document = null; // the composition check reports the syntax error
      }
      documents.set(input.name, document);
    }
    return documents.get(input.name) ?? null;
  };
  return (coordinate, view, given) => {
    const subgraphs = given ?? (coordinate && view ? view.subgraphsOf(coordinate) : []);
    const domains = [
      ...new Set(
        subgraphs
          .map((s) => byName.get(s))
          .flatMap((input) => (input ? [domainOf(input) ?? `(${input.name}: no domain)`] : [])),
      ),
    ].sort();
    // The proposed subgraph's file when it is one of them: that is where the change is.
    const first =
      byName.get(subgraphs.includes(preferred ?? '') ? preferred! : '') ??
      subgraphs.map((s) => byName.get(s)).find((input) => input !== undefined);
    if (!first) return { subgraphs, domains, location: null };
    const document = documentOf(first);
    return {
      subgraphs,
      domains,
      location: {
        file: first.schemaFile,
        line: (coordinate && document && lineOf(document, coordinate)) || 1,
      },
    };
  };
}

function lineOf(document: DocumentNode, coordinate: string): number | undefined {
  const { type, member, argument } = splitCoordinate(coordinate);
  let typeLine: number | undefined;
  for (const definition of document.definitions) {
    if (!('name' in definition) || definition.name?.value !== type) continue;
    typeLine ??= line(definition);
    if (member === undefined) return typeLine;
    const members: readonly (ASTNode & { name: { value: string } })[] =
      ('fields' in definition && definition.fields) || ('values' in definition && definition.values) || [];
    const found = members.find((m) => m.name.value === member);
    if (!found) continue;
    if (argument !== undefined && found.kind === Kind.FIELD_DEFINITION) {
      return line(found.arguments?.find((a) => a.name.value === argument) ?? found);
    }
    return line(found);
  }
  return typeLine;
}

function line(node: ASTNode): number | undefined {
  return node.loc?.startToken.line;
}

import { buildSubgraphSchema } from '@apollo/subgraph';
import { diff } from '@graphql-inspector/core';
import { parse } from 'graphql';
import type { Registry } from '../../../schema/registry/types.js';

/** One published version of a product's subgraph, with what changed since the one before. */
export interface SchemaVersion {
  readonly version: number;
  readonly publishedAt: string;
  readonly publishedBy: string;
  /** The contract's version string the publish carried, when it carried a contract. */
  readonly contractVersion: string | null;
  readonly sdl: string;
  /** @graphql-inspector/core's changes against the previous version; empty for the first. */
  readonly changes: readonly { readonly level: string; readonly type: string; readonly message: string }[];
}

export type SchemaVersions =
  | { readonly available: true; readonly registry: string; readonly versions: readonly SchemaVersion[] }
  | { readonly available: false; readonly reason: string };

/**
 * A product's schema versions from the registry (`registry.history(name)`), newest first,
 * each diffed against the previous one by @graphql-inspector/core, as `meshgate check` diffs.
 */
export async function schemaVersions(registry: Registry | null, product: string): Promise<SchemaVersions> {
  if (!registry)
    return { available: false, reason: 'this gateway has no schema registry (SUPERGRAPH_SOURCE=file)' };
  const history = await registry.history(product);
  if (history.length === 0)
    return {
      available: false,
      reason: `no version of "${product}" was published to the registry (${registry.location}): \`meshgate publish ${product}\``,
    };
  const versions: SchemaVersion[] = [];
  for (const [i, published] of history.entries()) {
    const previous = history[i - 1];
    const changes = previous
      ? (await diff(schemaOf(previous.sdl), schemaOf(published.sdl))).map((c) => ({
          level: c.criticality.level,
          type: c.type,
          message: c.message,
        }))
      : [];
    versions.push({
      version: published.version,
      publishedAt: published.publishedAt,
      publishedBy: published.publishedBy,
      contractVersion: published.descriptor?.version ?? null,
      sdl: published.sdl,
      changes,
    });
  }
  return { available: true, registry: registry.location, versions: versions.reverse() };
}

function schemaOf(sdl: string) {
  return buildSubgraphSchema({ typeDefs: parse(sdl) });
}

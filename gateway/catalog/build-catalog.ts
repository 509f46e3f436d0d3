import { isInterfaceType, isObjectType, type GraphQLObjectType } from 'graphql';
import type { DataProductDescriptor } from '../protocol/index.js';
import type { Consumer } from '../lineage/types.js';
import type { ProductHealth } from '../health/slo-types.js';
import type { PolicyRule } from '../policy/types.js';
import type { SupergraphModel } from '../supergraph/supergraph-model.js';
import { checkSubgraphHealth } from '../health/subgraph-health.js';
import type { Catalog, CatalogEntry, CatalogField, CatalogType, SubgraphHealth } from './types.js';

export interface CatalogSources {
  /** The supergraph, read once when it loaded: a request reads it, never parses it. */
  readonly model: SupergraphModel;
  readonly descriptors: readonly DataProductDescriptor[];
  readonly rules: readonly PolicyRule[];
  /** Routing overrides (SUBGRAPH_URLS) on top of the supergraph's own URLs. */
  readonly subgraphUrls: Readonly<Record<string, string>>;
  /** Consumers of a product since `since` (epoch ms); absent when lineage is off. */
  readonly consumers?: ((product: string, since: number) => Promise<Consumer[]>) | undefined;
  readonly consumersWindowMs?: number;
  readonly health?: (url: string) => Promise<SubgraphHealth>;
  /** A product's measured SLOs and health signal; absent when SLIs are not measured here. */
  readonly slo?: ((product: string) => Promise<ProductHealth | null>) | undefined;
}

const DAY_MS = 86_400_000;

/**
 * The data product catalog: for each subgraph of the supergraph, its descriptor (domain,
 * owner, description, SLOs, version), the types and fields it serves with their
 * classification and the policies that cover them, its consumers from lineage, and its health.
 */
export async function buildCatalog(sources: CatalogSources): Promise<Catalog> {
  const { model } = sources;
  const { ownership, classification } = model;
  const urls = { ...model.subgraphUrls, ...sources.subgraphUrls };
  const since = Date.now() - (sources.consumersWindowMs ?? 30 * DAY_MS);
  const health = sources.health ?? checkSubgraphHealth;

  const typesOf = (product: string): CatalogType[] =>
    Object.values(model.apiSchema.getTypeMap())
      .filter((type) => (isObjectType(type) || isInterfaceType(type)) && !type.name.startsWith('__'))
      .map((type) => {
        const fields = Object.values((type as GraphQLObjectType).getFields())
          .filter((field) => ownership.owners(type.name, field.name).includes(product))
          .map((field): CatalogField => {
            const coordinate = `${type.name}.${field.name}`;
            const classes = classification.get(coordinate) ?? [];
            return {
              name: field.name,
              type: String(field.type),
              description: field.description ?? null,
              classification: classes,
              policies: coveringRules(sources.rules, type.name, coordinate, classes),
            };
          });
        return { name: type.name, description: type.description ?? null, fields };
      })
      .filter((type) => type.fields.length > 0);

  const products = await Promise.all(
    Object.entries(urls).map(async ([name, url]): Promise<CatalogEntry> => {
      const descriptor = sources.descriptors.find((d) => d.name === name);
      const [status, consumers, measured] = await Promise.all([
        health(url),
        sources.consumers ? sources.consumers(name, since) : null,
        sources.slo ? sources.slo(name) : null,
      ]);
      return {
        name,
        descriptor: descriptor
          ? {
              domain: descriptor.domain,
              owner: descriptor.owner,
              description: descriptor.description,
              version: descriptor.version,
              status: descriptor.status,
              slo: descriptor.slo,
              tags: descriptor.tags,
            }
          : null,
        url,
        health: status,
        dataHealth: measured && {
          state: measured.state,
          reasons: measured.reasons,
          declared: measured.declared,
          measured: measured.measured,
        },
        types: typesOf(name),
        consumers,
      };
    }),
  );
  return {
    supergraphId: model.id,
    generatedAt: new Date().toISOString(),
    consumersSince: new Date(since).toISOString(),
    products: products.sort((a, b) => a.name.localeCompare(b.name)),
  };
}

function coveringRules(
  rules: readonly PolicyRule[],
  typeName: string,
  coordinate: string,
  classes: readonly string[],
): string[] {
  return rules
    .filter(
      (rule) =>
        rule.fields.includes(coordinate) ||
        rule.fields.includes(`${typeName}.*`) ||
        rule.classifications.some((c) => classes.includes(c)),
    )
    .map((rule) => rule.id);
}

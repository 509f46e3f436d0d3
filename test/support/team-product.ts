import { ApolloServer } from '@apollo/server';
import { startStandaloneServer } from '@apollo/server/standalone';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { parse } from 'graphql';
import { stringify } from 'yaml';
import { sdlObjects } from '../../schema/contract/sdl-objects.js';

/**
 * A domain team's data product outside this repository, as small as one can be: one entity
 * type and one root field, an ordinary `@apollo/subgraph` on Apollo Server (no kit), and a
 * data contract drafted from its SDL. Type and field names come from the product's name, so
 * two teams' products compose side by side.
 */
export interface TeamProduct {
  readonly name: string;
  readonly team: string;
  readonly entity: string;
  readonly sdl: string;
  /** ODCS v3.1 YAML. */
  readonly contract: string;
}

export function teamProduct(options: {
  name: string;
  team: string;
  entity: string;
  domain?: string;
  /** An extra nullable field, for a second version. */
  extraField?: string;
}): TeamProduct {
  const { name, team, entity } = options;
  const root = `${entity.charAt(0).toLowerCase()}${entity.slice(1)}s`;
  const sdl = `extend schema @link(url: "https://specs.apollo.dev/federation/v2.5", import: ["@key"])

"""
A ${entity.toLowerCase()} of the ${name} data product.
"""
type ${entity} @key(fields: "id") {
  "Its identifier."
  id: ID!
  "Its display name."
  label: String!${options.extraField ? `\n  "Added in a later version."\n  ${options.extraField}: String` : ''}
}

"The ${name} data product's queries."
type Query {
  "Every ${entity.toLowerCase()} of ${name}."
  ${root}: [${entity}!]!
}
`;
  return { name, team, entity, sdl, contract: contractFor(name, team, options.domain ?? name, sdl) };
}

/** A contract whose `schema` agrees with the SDL, and the rest a team would start from. */
export function contractFor(
  name: string,
  team: string,
  domain: string,
  sdl: string,
  teamName = team,
): string {
  const schema = sdlObjects(sdl).map((object) => ({
    name: object.name,
    logicalType: 'object',
    ...(object.description && { description: object.description }),
    properties: object.properties.map((p) => ({
      name: p.name,
      logicalType: p.logicalType,
      required: p.required,
      ...(p.classification && { classification: p.classification }),
      ...(p.description && { description: p.description }),
    })),
  }));
  return stringify(
    {
      apiVersion: 'v3.1.0',
      kind: 'DataContract',
      id: `${name}-contract`,
      name,
      version: '1.0.0',
      status: 'active',
      domain,
      dataProduct: name,
      description: { purpose: `The ${name} data product of team ${team}.` },
      team: { name: teamName },
      support: [{ channel: team, tool: 'email', url: `mailto:${team}@example.com`, scope: 'issues' }],
      roles: [
        {
          role: `${name}-reader`,
          access: 'read',
          firstLevelApprovers: `${team}-lead`,
          secondLevelApprovers: 'data-steward',
        },
      ],
      slaProperties: [
        { property: 'availability', value: 99, unit: 'percent' },
        { property: 'latency', value: 500, unit: 'ms', valueExt: 'p95' },
        { property: 'errorRate', value: 1, unit: 'percent' },
        { property: 'latency', value: 24, unit: 'h' },
      ],
      schema,
      tags: [name],
    },
    { lineWidth: 0 },
  );
}

/** The product served by plain Apollo Server + @apollo/subgraph on a free loopback port. */
export async function serveTeamProduct(
  product: TeamProduct,
  rows: readonly { id: string; label: string }[],
): Promise<{ url: string; stop: () => Promise<void> }> {
  const root = `${product.entity.charAt(0).toLowerCase()}${product.entity.slice(1)}s`;
  const server = new ApolloServer({
    schema: buildSubgraphSchema({
      typeDefs: parse(product.sdl),
      resolvers: {
        Query: { [root]: () => rows },
        [product.entity]: {
          __resolveReference: (ref: { id: string }) => rows.find((r) => r.id === ref.id) ?? null,
        },
      },
    }),
  });
  const { url } = await startStandaloneServer(server, { listen: { port: 0, host: '127.0.0.1' } });
  return { url, stop: () => server.stop() };
}

import { ApolloServer } from '@apollo/server';
import { startStandaloneServer } from '@apollo/server/standalone';
import { ApolloServerPluginInlineTraceDisabled } from '@apollo/server/plugin/disabled';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { parse } from 'graphql';

/**
 * A plain Apollo Federation subgraph for the end-to-end tests: `@apollo/subgraph` on Apollo
 * Server, without meshgate's kit, as a team would write it from Apollo's documentation. It
 * ignores the context token (its contract does not declare row-filter enforcement, so the
 * gateway sends it no filtered read).
 */
export const USERS_SDL = `extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key", "@tag"])

"""The people who use the zoo's systems."""
type Query {
  """Every user."""
  users: [User!]!
}

"""A person with an account."""
type User @key(fields: "id") {
  """The user's id."""
  id: ID!
  """Full name."""
  name: String! @tag(name: "pii")
  """Contact e-mail address."""
  email: String! @tag(name: "pii")
}
`;

const USERS = [
  { id: '1', name: 'Uma Keeper', email: 'uma@zoo.example' },
  { id: '2', name: 'Vic Warden', email: 'vic@zoo.example' },
];

export interface RunningApolloProduct {
  readonly name: string;
  readonly url: string;
  readonly sdl: string;
  stop(): Promise<void>;
}

export async function startApolloProduct(name = 'users'): Promise<RunningApolloProduct> {
  const server = new ApolloServer({
    schema: buildSubgraphSchema({
      typeDefs: parse(USERS_SDL),
      resolvers: {
        Query: { users: () => USERS },
        User: { __resolveReference: (ref: { id: string }) => USERS.find((u) => u.id === ref.id) ?? null },
      } as never,
    }),
    // Apollo's usage-reporting traces: off, as most teams that do not use GraphOS have them.
    plugins: [ApolloServerPluginInlineTraceDisabled()],
    stopOnTerminationSignals: false,
  });
  const { url } = await startStandaloneServer(server, { listen: { port: 0, host: '127.0.0.1' } });
  return { name, url: new URL('/graphql', url).toString(), sdl: USERS_SDL, stop: () => server.stop() };
}

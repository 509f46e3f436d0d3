import type { ProductNames } from './names.js';
import { exampleEntity } from './templates.js';

/**
 * The files of a data product a domain team keeps in its own repository: plain JavaScript on
 * `@apollo/subgraph` and Apollo Server, no build step and nothing of meshgate at run time. It
 * speaks the product protocol (docs/product-protocol.md): it answers only requests that carry a
 * context token the gateway signed, verified with the gateway's published keys. Each function
 * returns one file's text.
 */

export interface StandaloneInput {
  readonly names: ProductNames;
  readonly domain: string;
  readonly team: string;
  /** The versions meshgate itself is built and tested with, by package name. */
  readonly versions: Readonly<Record<StandaloneDependency, string>>;
}

export const STANDALONE_DEPENDENCIES = ['@apollo/server', '@apollo/subgraph', 'graphql', 'jose'] as const;
export type StandaloneDependency = (typeof STANDALONE_DEPENDENCIES)[number];

export const packageJson = ({ names: n, versions }: StandaloneInput) =>
  `${JSON.stringify(
    {
      name: n.product,
      private: true,
      type: 'module',
      description: `The ${n.product} data product: a federation subgraph published to a meshgate mesh.`,
      scripts: { start: 'node server.mjs', test: 'node --test' },
      engines: { node: '>=20' },
      dependencies: Object.fromEntries(STANDALONE_DEPENDENCIES.map((d) => [d, versions[d]])),
    },
    null,
    2,
  )}\n`;

export const schemaGraphql = ({
  names: n,
  domain,
}: StandaloneInput) => `extend schema @link(url: "https://specs.apollo.dev/federation/v2.5", import: ["@key"])

${exampleEntity(n, domain)}

"The ${n.product} data product's entry points."
type Query {
  "Every ${n.entity}, in id order: at most \`first\`."
  ${n.many}(first: Int = 100): [${n.entity}!]!
  "One ${n.entity} by id; null when there is none."
  ${n.one}(id: ID!): ${n.entity}
}
`;

export const dataJson = ({ names: n }: StandaloneInput) =>
  `${JSON.stringify(
    [1, 2, 3].map((i) => ({
      id: String(i),
      name: `${n.entity} ${i}`,
      updatedAt: new Date(Date.UTC(2026, 0, i)).toISOString(),
    })),
    null,
    2,
  )}\n`;

export const serverMjs = ({
  names: n,
}: StandaloneInput) => `// The ${n.product} data product: an Apollo Federation 2 subgraph meshgate's gateway federates.
// Replace data.json with your own data access; keep the context-token check.
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { ApolloServer } from '@apollo/server';
import { startStandaloneServer } from '@apollo/server/standalone';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { GraphQLError, parse } from 'graphql';
import { createRemoteJWKSet, jwtVerify } from 'jose';

const typeDefs = parse(readFileSync(new URL('./schema.graphql', import.meta.url), 'utf8'));
const rows = JSON.parse(readFileSync(new URL('./data.json', import.meta.url), 'utf8'));

const resolvers = {
  Query: {
    ${n.many}: (_parent, { first }) => rows.slice(0, Math.max(0, first)),
    ${n.one}: (_parent, { id }) => rows.find((row) => row.id === id) ?? null,
  },
  ${n.entity}: {
    __resolveReference: ({ id }) => rows.find((row) => row.id === id) ?? null,
  },
};

// The gateway signs every request it sends (x-meshgate-context, ES256) and publishes its keys
// at /.well-known/meshgate/keys. With MESHGATE_JWKS_URL set, this product answers only the
// gateway; the health probe's 401 then still reads as "serving". Without it (a local try-out)
// every request is answered.
const jwksUrl = process.env.MESHGATE_JWKS_URL;
const keys = jwksUrl ? createRemoteJWKSet(new URL(jwksUrl)) : null;

async function context({ req }) {
  if (!keys) return { principal: null };
  const token = req.headers['x-meshgate-context'];
  try {
    if (typeof token !== 'string') throw new Error('no x-meshgate-context header');
    const { payload } = await jwtVerify(token, keys, {
      algorithms: ['ES256'],
      issuer: 'meshgate-gateway',
      audience: 'meshgate-subgraph',
    });
    if (payload.v !== undefined && payload.v !== 2) throw new Error(\`protocol version \${payload.v}\`);
    return { principal: payload.sub };
  } catch (error) {
    throw new GraphQLError(\`context token refused: \${error.message}\`, {
      extensions: { code: 'CONTEXT_TOKEN_INVALID', http: { status: 401 } },
    });
  }
}

export async function start(port = Number(process.env.PORT ?? 4001), host = process.env.HOST ?? '0.0.0.0') {
  const server = new ApolloServer({ schema: buildSubgraphSchema({ typeDefs, resolvers }) });
  const { url } = await startStandaloneServer(server, { listen: { port, host }, context });
  return { url, stop: () => server.stop() };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const { url, stop } = await start();
  console.log(\`${n.product} listening at \${url}\`);
  for (const signal of ['SIGINT', 'SIGTERM']) process.once(signal, () => void stop().then(() => process.exit(0)));
}
`;

export const serverTest = ({ names: n }: StandaloneInput) => `import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { start } from './server.mjs';

let server;
before(async () => {
  server = await start(0, '127.0.0.1');
});
after(() => server.stop());

const query = async (body) => {
  const response = await fetch(server.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return response.json();
};

test('answers its list and its lookup', async () => {
  const answer = await query({ query: '{ ${n.many}(first: 2) { id name } ${n.one}(id: "3") { id } }' });
  assert.deepEqual(answer.data.${n.many}.map((row) => row.id), ['1', '2']);
  assert.deepEqual(answer.data.${n.one}, { id: '3' });
});

test('resolves its entities for the gateway', async () => {
  const answer = await query({
    query: 'query ($r: [_Any!]!) { _entities(representations: $r) { ... on ${n.entity} { name } } }',
    variables: { r: [{ __typename: '${n.entity}', id: '2' }] },
  });
  assert.deepEqual(answer.data._entities, [{ name: '${n.entity} 2' }]);
});
`;

export const readme = ({ names: n, domain, team }: StandaloneInput) => `# ${n.product}

The ${n.product} data product of the ${domain} domain, owned by ${team}: an Apollo Federation 2
subgraph (\`schema.graphql\`, \`server.mjs\`) and its data contract (\`contract.odcs.yaml\`, ODCS v3.1).

\`\`\`sh
npm install
npm test                    # the subgraph answers its queries and its entities
npm start                   # PORT=4001 by default; MESHGATE_JWKS_URL=<gateway>/.well-known/meshgate/keys to answer only the gateway
\`\`\`

Publish it from CI, with the registry's URL and a token of ${team}:

\`\`\`sh
export MESHGATE_REGISTRY_URL=https://registry.example MESHGATE_TOKEN=...
meshgate check   --subgraph ${n.product} --schema schema.graphql --contract contract.odcs.yaml
meshgate publish --subgraph ${n.product} --schema schema.graphql --contract contract.odcs.yaml --url https://${n.product}.internal/graphql
\`\`\`

Review \`contract.odcs.yaml\` first: every \`meshgate.review\` entry is a guess to confirm or
correct, then remove it.
`;

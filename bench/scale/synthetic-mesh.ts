import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { buildSubgraphSchema } from '@apollo/subgraph';
import {
  execute,
  getNamedType,
  getNullableType,
  isAbstractType,
  isListType,
  isObjectType,
  parse,
  type DocumentNode,
  type GraphQLFieldResolver,
  type GraphQLOutputType,
} from 'graphql';

/**
 * A synthetic mesh of N data products for the scale bench (issue 30). Each product, in one
 * of twenty domains, has an entity with a key, a second entity and an interface both
 * implement, a connection (edges, page info) listing its items, a reference into the next
 * product and one into another domain, and a field that `@requires` a field the next product
 * owns; its `email` is tagged personal data (`@tag(name: "pii")`), and `syntheticPolicies`
 * writes the governance rule that masks it for analysts; synthetic-contracts.ts drafts each
 * product's ODCS contract.
 */
export interface SyntheticProduct {
  readonly name: string;
  readonly sdl: string;
  /** An operation several subgraphs deep rooted in this product. */
  readonly operation: string;
}

const type = (i: number) => `P${i}Item`;

export function syntheticMesh(n: number): SyntheticProduct[] {
  return Array.from({ length: n }, (_, i) => {
    const next = (i + 1) % n;
    // Another domain (twenty of them): 23 products on, or the one after next on a small mesh.
    let other = (i + 23) % n;
    if (other === i || other === next) other = (i + 2) % n;
    const stubs =
      n < 2
        ? ''
        : `type ${type(next)} @key(fields: "id") { id: ID! price: Float @external discounted${i}: Float @requires(fields: "price") }\n` +
          (other !== i && other !== next
            ? `type ${type(other)} @key(fields: "id", resolvable: false) { id: ID! }\n`
            : '');
    const sdl = `extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key", "@external", "@requires", "@shareable", "@tag"])
type Query {
  p${i}Items(first: Int = 3): P${i}ItemConnection!
  p${i}Item(id: ID!): ${type(i)}
  p${i}Listings: [P${i}Listing!]!
}
interface P${i}Listing { id: ID! title: String }
type ${type(i)} implements P${i}Listing @key(fields: "id") {
  id: ID!
  title: String
  price: Float
  email: String @tag(name: "pii")
  tags: [String!]!
  ${n < 2 ? '' : `related: ${type(next)}\n  partner: ${type(other)}`}
}
type P${i}Bundle implements P${i}Listing @key(fields: "id") { id: ID! title: String items: [${type(i)}!]! }
type P${i}ItemConnection { edges: [P${i}ItemEdge!]! pageInfo: P${i}PageInfo! }
type P${i}ItemEdge { cursor: String! node: ${type(i)}! }
type P${i}PageInfo { hasNextPage: Boolean! endCursor: String }
${stubs}`;
    const operation =
      n < 2
        ? `query Op${i} { p${i}Items { edges { node { id title price } } } }`
        : `query Op${i} { p${i}Items(first: 3) { edges { cursor node { id title price tags ` +
          `related { id title discounted${i} partner { id title } } partner { id title price } } } pageInfo { hasNextPage } } ` +
          `p${i}Listings { id title ... on P${i}Bundle { items { id price } } } }`;
    return { name: `p${i}`, sdl, operation };
  });
}

/**
 * The governance policy of the synthetic mesh, as YAML: one rule per product that hashes its
 * items' e-mail for analysts (the check's policy coverage then holds, and the gateway's policy
 * index grows with the mesh as a real one does).
 */
export function syntheticPolicies(products: readonly SyntheticProduct[]): string {
  const rules = products.map(
    (_, i) => `  - id: p${i}-email-hashed
    description: Analysts join on the e-mail of product ${i} without reading it.
    fields: ['${type(i)}.email']
    when: "'analyst' in principal.roles"
    effect: mask
    strategy: hash
`,
  );
  return `apiVersion: meshgate/v1\nkind: Policy\nowner: governance\nrules:\n${rules.join('')}`;
}

/**
 * Answers any field from what the parent holds, or makes it up from its type: three items for
 * a list, an object with a typename and an id. Data in memory, so the gateway's cost dominates.
 */
const synthesize: GraphQLFieldResolver<Record<string, unknown> | undefined, unknown> = (
  source,
  _args,
  _context,
  info,
) => {
  const held = source?.[info.fieldName];
  if (held !== undefined) return held;
  const id = typeof source?.id === 'string' ? source.id : 'root';
  return made(info.returnType, `${id}.${info.fieldName}`);
};

function made(output: GraphQLOutputType, id: string): unknown {
  const nullable = getNullableType(output);
  if (isListType(nullable))
    return [0, 1, 2].map((k) => made(nullable.ofType as GraphQLOutputType, `${id}${k}`));
  const named = getNamedType(nullable);
  if (isObjectType(named)) return { __typename: named.name, id: `${named.name}-${id.length % 97}` };
  if (isAbstractType(named)) {
    // An interface: its first implementation in the product (the item).
    const item = named.name.replace('Listing', 'Item');
    return { __typename: item, id: `${item}-${id.length % 97}` };
  }
  switch (named.name) {
    case 'Float':
      return 9.5;
    case 'Int':
      return 3;
    case 'Boolean':
      return false;
    default:
      return id;
  }
}

/** Every product's subgraph from one HTTP server, at /<product>. */
export async function serveSyntheticMesh(
  products: readonly SyntheticProduct[],
): Promise<{ urls: Record<string, string>; close(): Promise<void> }> {
  const schemas = new Map(
    products.map((p) => [`/${p.name}`, buildSubgraphSchema({ typeDefs: parse(p.sdl) })]),
  );
  const documents = new Map<string, DocumentNode>();
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (c: Buffer) => chunks.push(c));
    request.on('end', () => {
      const schema = schemas.get(request.url ?? '');
      if (!schema) {
        response.writeHead(404).end();
        return;
      }
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as {
        query: string;
        variables?: Record<string, unknown>;
      };
      let document = documents.get(body.query);
      if (!document) documents.set(body.query, (document = parse(body.query)));
      void Promise.resolve(
        execute({ schema, document, variableValues: body.variables ?? {}, fieldResolver: synthesize }),
      ).then((result) => {
        response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(result));
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    urls: Object.fromEntries(products.map((p) => [p.name, `http://127.0.0.1:${port}/${p.name}`])),
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

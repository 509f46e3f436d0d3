import { stringify } from 'yaml';
import { sdlObjects } from '../contract/sdl-objects.js';
import type { ProductNames } from './names.js';

/**
 * The files of a new data product, following the reference products: SDL as the source of
 * truth, SQL schema and deterministic seed, DataLoader-backed data access, resolvers, the
 * data contract, and a test. Each function returns one file's text.
 */

export interface ScaffoldInput {
  readonly names: ProductNames;
  readonly domain: string;
  readonly team: string;
  readonly email: string;
  readonly port: number;
}

/** The example entity both kinds of scaffolded product start from: its SDL type. */
export const exampleEntity = (n: ProductNames, domain: string) =>
  `"An example entity of the ${n.product} data product. Owned by the ${domain} domain."
type ${n.entity} @key(fields: "id") {
  "Stable id."
  id: ID!
  "Display name."
  name: String!
  "When it last changed (ISO 8601)."
  updatedAt: String!
}`;

export const schemaGraphql = ({
  names: n,
  domain,
}: ScaffoldInput) => `extend schema @link(url: "https://specs.apollo.dev/federation/v2.9", import: ["@key", "@shareable"])

${exampleEntity(n, domain)}

"A page of ${n.entity} entities."
type ${n.entity}Connection {
  "The entities of this page, each with its cursor."
  edges: [${n.entity}Edge!]!
  "Where this page ends and whether another follows."
  pageInfo: PageInfo!
  "How many there are in all."
  totalCount: Int!
}

"An entity and its position in the list."
type ${n.entity}Edge {
  "Pass as \`after\` to continue after this entity."
  cursor: String!
  "The entity."
  node: ${n.entity}!
}

"Position of a page in a cursor connection (GraphQL Cursor Connections Specification)."
type PageInfo @shareable {
  "Whether another page follows this one."
  hasNextPage: Boolean!
  "The cursor of the last edge of this page, if any."
  endCursor: String
}

"The entry points of the mesh's data products."
type Query {
  "One ${n.entity} by id."
  ${n.one}(id: ID!): ${n.entity}
  "${n.entity} entities in id order, a page at a time."
  ${n.many}("Page size, 0 to 100." first: Int = 20, "Cursor to continue after." after: String): ${n.entity}Connection!
}
`;

export const schemaSql = ({ names: n }: ScaffoldInput) => `CREATE TABLE ${n.table} (
  id         integer PRIMARY KEY,
  name       text NOT NULL,
  updated_at timestamptz NOT NULL
);
`;

export const seedSql = ({
  names: n,
}: ScaffoldInput) => `-- Deterministic example rows: the same on every machine.
INSERT INTO ${n.table} (id, name, updated_at)
SELECT i, '${n.entity} ' || i, timestamptz '2024-01-01 00:00:00+00' + i * interval '1 hour'
FROM generate_series(1, 100) AS i;
`;

export const dataTs = ({ names: n }: ScaffoldInput) => `import type { Page } from '../kit/connection.js';
import type { Queryable } from '../kit/database.js';
import { rowLoader } from '../kit/loaders.js';
import { countRows, selectPage } from '../kit/sql.js';

export interface ${n.entity}Row {
  id: number;
  name: string;
  updated_at: Date;
}

const COLUMNS = 'id, name, updated_at';
const noFilter = () => undefined;

/** The ${n.product} data product's data access; one instance per request. */
export function create${n.entity}Data(db: Queryable) {
  return {
    byId: rowLoader<${n.entity}Row>((ids) => db.query(\`SELECT \${COLUMNS} FROM ${n.table} WHERE id = ANY($1::int[])\`, [ids]), (row) => row.id),
    page: (page: Page) =>
      selectPage<${n.entity}Row>(db, { columns: COLUMNS, from: '${n.table}', key: 'id', keyType: 'int', page, filter: noFilter }),
    count: () => countRows(db, { from: '${n.table}', filter: noFilter }),
  };
}

export type ${n.entity}Data = ReturnType<typeof create${n.entity}Data>;
`;

export const resolversTs = ({
  names: n,
}: ScaffoldInput) => `import { parsePage, toConnection, type PageArgs } from '../kit/connection.js';
import type { SubgraphContext } from '../kit/data-product.js';
import { intId, isoTimestamp } from '../kit/values.js';
import type { ${n.entity}Data, ${n.entity}Row } from './data.js';

type Context = SubgraphContext<${n.entity}Data>;

function to${n.entity}(row: ${n.entity}Row) {
  return { id: String(row.id), name: row.name, updatedAt: isoTimestamp(row.updated_at) };
}

async function byId(id: string, { loaders }: Context) {
  const row = await loaders.byId.load(intId(id, 'id'));
  return row && to${n.entity}(row);
}

export const resolvers = {
  Query: {
    ${n.one}: (_: unknown, args: { id: string }, context: Context) => byId(args.id, context),
    ${n.many}: async (_: unknown, args: PageArgs, { loaders }: Context) => {
      const page = parsePage(args);
      return toConnection(await loaders.page(page), page, (row) => row.id, () => loaders.count(), to${n.entity});
    },
  },
  ${n.entity}: {
    __resolveReference: (reference: { id: string }, context: Context) => byId(reference.id, context),
  },
};
`;

export const indexTs = ({
  names: n,
  port,
}: ScaffoldInput) => `import { defineDataProduct } from '../kit/data-product.js';
import { create${n.entity}Data } from './data.js';
import { resolvers } from './resolvers.js';

export const ${n.variable} = defineDataProduct({
  name: '${n.product}',
  defaultPort: ${port},
  moduleUrl: import.meta.url,
  createLoaders: create${n.entity}Data,
  resolvers,
});
`;

/** The product's data contract (ODCS v3.1): its `schema` derived from the SDL above, the rest a start to edit. */
export const contractYaml = (input: ScaffoldInput) => {
  const { names: n, domain, team, email } = input;
  const columns: Record<string, string> = { id: 'id', name: 'name', updatedAt: 'updated_at' };
  const quality: Record<string, unknown[]> = {
    id: [
      {
        id: `${n.product}-id-unique`,
        type: 'library',
        metric: 'duplicateValues',
        mustBe: 0,
        dimension: 'uniqueness',
        severity: 'error',
      },
    ],
    name: [
      {
        id: `${n.product}-name-present`,
        type: 'library',
        metric: 'nullValues',
        mustBe: 0,
        dimension: 'completeness',
        severity: 'error',
      },
    ],
  };
  const schema = sdlObjects(schemaGraphql(input)).map((object) => ({
    name: object.name,
    ...(object.name === n.entity && { physicalName: n.table, physicalType: 'table' }),
    logicalType: 'object',
    ...(object.description && { description: object.description }),
    properties: object.properties.map((p) => ({
      name: p.name,
      ...(object.name === n.entity && columns[p.name] && { physicalName: columns[p.name] }),
      logicalType: p.name === 'updatedAt' ? 'timestamp' : p.logicalType,
      required: p.required,
      ...(p.classification && { classification: p.classification }),
      ...(p.description && { description: p.description }),
      ...(object.name === n.entity && quality[p.name] && { quality: quality[p.name] }),
    })),
    ...(object.name === n.entity && {
      quality: [
        {
          id: `${n.product}-not-empty`,
          type: 'library',
          metric: 'rowCount',
          mustBeGreaterThan: 0,
          dimension: 'completeness',
          severity: 'error',
        },
      ],
    }),
  }));
  const contract = {
    apiVersion: 'v3.1.0',
    kind: 'DataContract',
    id: `meshgate-${n.product}`,
    name: n.product,
    version: '0.1.0',
    status: 'draft',
    domain,
    dataProduct: n.product,
    description: {
      purpose: `The ${n.product} data product. Describe what it holds, where the data comes from and who should use it.`,
    },
    team: { name: team },
    support: [{ channel: team, tool: 'email', url: `mailto:${email}`, scope: 'issues' }],
    roles: [
      {
        role: `${n.product}-reader`,
        access: 'read',
        firstLevelApprovers: `${team}-lead`,
        secondLevelApprovers: 'data-steward',
      },
    ],
    slaProperties: [
      { property: 'availability', value: 99, unit: 'percent' },
      { property: 'latency', value: 500, unit: 'ms', valueExt: 'p95' },
      { property: 'errorRate', value: 1, unit: 'percent' },
      { property: 'latency', value: 24, unit: 'h', element: `${n.table}.updated_at` },
    ],
    schema,
    tags: [n.product],
    // Built on the kit, which applies the gateway's row filters and refuses one it cannot
    // (docs/product-protocol.md): the gateway then sends it its filters.
    customProperties: [{ property: 'meshgate.rowFilters', value: 'enforced' }],
  };
  return `# Data contract of the ${n.product} data product (Open Data Contract Standard v3.1), owned by the
# ${domain} domain: its owner, approvers, SLA and quality rules. Its schema must agree with
# schema.graphql (\`meshgate check\` refuses a difference): classify every field that holds personal
# (pii) or payment (pci) data here and in the SDL (@tag(name: "pii")), and cover it with a rule in policies/.
${stringify(contract, { lineWidth: 0 })}`;
};

export const testTs = ({ names: n }: ScaffoldInput) => `import { graphql } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type Database } from '../kit/database.js';
import { ensureSeeded } from '../kit/seed.js';
import { ${n.variable} } from './index.js';

let db: Database;
beforeAll(async () => {
  db = await openDatabase({ schema: '${n.product}' });
  await ensureSeeded(db, ${n.variable}.sql);
});
afterAll(() => db.close());

const run = (source: string) =>
  graphql({ schema: ${n.variable}.buildSchema(), source, contextValue: ${n.variable}.createContext(db) });

describe('the ${n.product} data product', () => {
  it('pages its ${n.entity} entities from the seed', async () => {
    const result = await run('{ ${n.many}(first: 2) { totalCount pageInfo { hasNextPage } edges { node { id name updatedAt } } } }');
    expect(result).toEqual({
      data: {
        ${n.many}: {
          totalCount: 100,
          pageInfo: { hasNextPage: true },
          edges: [
            { node: { id: '1', name: '${n.entity} 1', updatedAt: '2024-01-01T01:00:00.000Z' } },
            { node: { id: '2', name: '${n.entity} 2', updatedAt: '2024-01-01T02:00:00.000Z' } },
          ],
        },
      },
    });
  });

  it('resolves entity references in one statement', async () => {
    const before = db.stats.statements;
    const result = await run(
      '{ _entities(representations: [{ __typename: "${n.entity}", id: "3" }, { __typename: "${n.entity}", id: "4" }]) { ... on ${n.entity} { name } } }',
    );
    expect(result).toEqual({ data: { _entities: [{ name: '${n.entity} 3' }, { name: '${n.entity} 4' }] } });
    expect(db.stats.statements - before).toBe(1);
  });
});
`;

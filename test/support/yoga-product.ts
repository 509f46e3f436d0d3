import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { GraphQLError, parse } from 'graphql';
import { createYoga } from 'graphql-yoga';
import { createRemoteJWKSet, jwtVerify, type JWTPayload } from 'jose';
import pg from 'pg';

/**
 * A data product in another stack, for the end-to-end tests: GraphQL Yoga serving an Apollo
 * Federation 2 subgraph (`@apollo/subgraph`'s buildSubgraphSchema), its tables in the real
 * PostgreSQL in a schema of its own (created per run, dropped on stop). It imports nothing of
 * meshgate: it implements the product protocol from docs/product-protocol.md — it verifies the
 * context token with the gateway's JWKS (jose's createRemoteJWKSet), refuses anything else,
 * and enforces the token's row filter for `Animal` by compiling the predicate to
 * parameterised SQL.
 */
/** The zoo team's first quality rule: its table is not empty (ODCS library metric). */
export const ZOO_NOT_EMPTY = {
  id: 'zoo-not-empty',
  type: 'library',
  metric: 'rowCount',
  mustBeGreaterThan: 0,
  dimension: 'completeness',
  severity: 'error',
} as const;

export const ZOO_SDL = `extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])

"""The zoo's animals and who keeps them."""
type Query {
  """Every animal the caller may see, by id."""
  animals: [Animal!]!
  """One animal by id; null when there is none or the caller may not see it."""
  animal(id: ID!): Animal
}

"""An animal of the zoo."""
type Animal @key(fields: "id") {
  """Stable animal number."""
  id: ID!
  """The animal's given name."""
  name: String!
  """Its species, in English."""
  species: String!
  """ISO 3166-1 alpha-2 country of the enclosure."""
  country: String!
  """Who keeps it: a user of the users product."""
  keeper: User
  """When the row last changed (ISO 8601)."""
  updatedAt: String!
}

"""A keeper, owned by the users product."""
type User @key(fields: "id", resolvable: false) {
  """The user's id."""
  id: ID!
}
`;

const ROWS = [
  { id: 1, name: 'Ada', species: 'lion', country: 'DE', keeper: '1' },
  { id: 2, name: 'Bo', species: 'zebra', country: 'AT', keeper: '2' },
  { id: 3, name: 'Cleo', species: 'giraffe', country: 'FR', keeper: '1' },
  { id: 4, name: 'Dov', species: 'penguin', country: 'DE', keeper: null },
  { id: 5, name: 'Edi', species: 'otter', country: 'NL', keeper: '2' },
] as const;

/** GraphQL field → column of `animals`: what a row filter may name. */
const COLUMNS: Record<string, string> = { id: 'id', name: 'name', species: 'species', country: 'country' };

export interface YogaProductOptions {
  readonly databaseUrl: string;
  /** The gateway's JWKS; a function when the gateway starts after the product. */
  readonly jwks: URL | (() => URL);
  /** The product's name in the supergraph: its entry of the token's `filters` claim. */
  readonly name?: string;
}

export interface RunningYogaProduct {
  readonly name: string;
  readonly url: string;
  readonly sdl: string;
  /** The PostgreSQL schema of this run. */
  readonly schema: string;
  readonly server: { host: string; port: number; database: string; schema: string };
  /** SQL statements the resolvers ran, with their parameters: what a test asserts filters in. */
  readonly statements: { sql: string; params: unknown[] }[];
  stop(): Promise<void>;
}

type Predicate =
  | { kind: 'compare'; field: string; op: 'eq' | 'ne' | 'lt' | 'le' | 'gt' | 'ge'; value: unknown }
  | { kind: 'in'; field: string; values: unknown[] }
  | { kind: 'and' | 'or'; of: Predicate[] }
  | { kind: 'not'; of: Predicate }
  | { kind: 'const'; value: boolean };

interface Context {
  readonly where: Predicate | null;
}

const OPS = { eq: '=', ne: '<>', lt: '<', le: '<=', gt: '>', ge: '>=' } as const;

/** The predicate as SQL over `animals`, each literal a parameter ($1, $2, …). */
export function compilePredicate(p: Predicate, params: unknown[]): string {
  switch (p.kind) {
    case 'compare': {
      const column = COLUMNS[p.field];
      if (!column) throw unenforceable(`field ${p.field} is not filterable`);
      if (p.value === null)
        return p.op === 'eq' ? `${column} IS NULL` : p.op === 'ne' ? `${column} IS NOT NULL` : 'FALSE';
      params.push(p.value);
      return `${column} ${OPS[p.op]} $${params.length}`;
    }
    case 'in': {
      const column = COLUMNS[p.field];
      if (!column) throw unenforceable(`field ${p.field} is not filterable`);
      if (p.values.length === 0) return 'FALSE';
      params.push(p.values.map(String));
      return `${column}::text = ANY($${params.length}::text[])`;
    }
    case 'and':
      return p.of.length ? `(${p.of.map((q) => compilePredicate(q, params)).join(' AND ')})` : 'TRUE';
    case 'or':
      return p.of.length ? `(${p.of.map((q) => compilePredicate(q, params)).join(' OR ')})` : 'FALSE';
    case 'not':
      return `NOT (${compilePredicate(p.of, params)})`;
    case 'const':
      return p.value ? 'TRUE' : 'FALSE';
    default:
      throw unenforceable(`predicate kind ${(p as { kind: string }).kind} is unknown`);
  }
}

function unenforceable(why: string): GraphQLError {
  return new GraphQLError(`Row filter not enforceable here: ${why}`, {
    extensions: { code: 'ROW_FILTER_UNENFORCEABLE', http: { status: 200 } },
  });
}

export async function startYogaProduct(options: YogaProductOptions): Promise<RunningYogaProduct> {
  const name = options.name ?? 'zoo';
  const schema = `zoo_${process.pid}_${Date.now().toString(36)}`;
  const pool = new pg.Pool({ connectionString: options.databaseUrl, max: 4 });
  pool.on('error', () => undefined);
  await pool.query(`CREATE SCHEMA "${schema}"`);
  await pool.query(`CREATE TABLE "${schema}".animals (
    id integer PRIMARY KEY, name text NOT NULL, species text NOT NULL, country text NOT NULL,
    keeper_id text, updated_at timestamptz NOT NULL DEFAULT now())`);
  for (const r of ROWS)
    await pool.query(
      `INSERT INTO "${schema}".animals (id, name, species, country, keeper_id) VALUES ($1, $2, $3, $4, $5)`,
      [r.id, r.name, r.species, r.country, r.keeper],
    );

  const statements: { sql: string; params: unknown[] }[] = [];
  type Row = {
    id: number;
    name: string;
    species: string;
    country: string;
    keeper_id: string | null;
    updated_at: Date;
  };
  const select = async (ctx: Context, extra: string | null, extraParams: unknown[]): Promise<Row[]> => {
    const params = [...extraParams];
    const where = [extra, ctx.where ? compilePredicate(ctx.where, params) : null].filter(Boolean);
    const sql = `SELECT * FROM "${schema}".animals${where.length ? ` WHERE ${where.join(' AND ')}` : ''} ORDER BY id`;
    statements.push({ sql, params });
    return (await pool.query<Row>(sql, params)).rows;
  };
  const animal = (row: Row) => ({
    id: String(row.id),
    name: row.name,
    species: row.species,
    country: row.country,
    keeper: row.keeper_id ? { __typename: 'User', id: row.keeper_id } : null,
    updatedAt: row.updated_at.toISOString(),
  });

  const graphqlSchema = buildSubgraphSchema({
    typeDefs: parse(ZOO_SDL),
    resolvers: {
      Query: {
        animals: async (_: unknown, __: unknown, ctx: Context) => (await select(ctx, null, [])).map(animal),
        animal: async (_: unknown, args: { id: string }, ctx: Context) => {
          const [row] = await select(ctx, 'id = $1', [Number(args.id)]);
          return row ? animal(row) : null;
        },
      },
      Animal: {
        __resolveReference: async (ref: { id: string }, ctx: Context) => {
          const [row] = await select(ctx, 'id = $1', [Number(ref.id)]);
          return row ? animal(row) : null;
        },
      },
    } as never,
  });

  let keys: ReturnType<typeof createRemoteJWKSet> | null = null;
  const jwks = () =>
    (keys ??= createRemoteJWKSet(typeof options.jwks === 'function' ? options.jwks() : options.jwks));
  const yoga = createYoga<Record<string, unknown>, Context>({
    schema: graphqlSchema,
    graphiql: false,
    logging: false,
    maskedErrors: false,
    context: async ({ request }): Promise<Context> => {
      const token = request.headers.get('x-meshgate-context');
      let payload: JWTPayload;
      try {
        if (!token) throw new Error('no token');
        ({ payload } = await jwtVerify(token, jwks(), {
          algorithms: ['ES256'],
          issuer: 'meshgate-gateway',
          audience: 'meshgate-subgraph',
        }));
        if (payload.v !== undefined && payload.v !== 2)
          throw new Error(`protocol version ${String(payload.v)}`);
      } catch {
        throw new GraphQLError('This data product answers only requests through the meshgate gateway', {
          extensions: { code: 'CONTEXT_TOKEN_INVALID', http: { status: 401 } },
        });
      }
      const mine =
        ((payload.filters as
          Record<string, { type: string; rule: string; where: Predicate }[]> | undefined) ?? {})[name] ?? [];
      const other = mine.find((f) => f.type !== 'Animal');
      if (other)
        throw unenforceable(
          `rule ${other.rule} filters ${other.type}, which this data product does not filter`,
        );
      // Every filter on Animal applies (AND); each is checked by compiling it once here.
      const where = mine.length ? ({ kind: 'and', of: mine.map((f) => f.where) } as Predicate) : null;
      if (where) compilePredicate(where, []);
      return { where };
    },
  });

  const server: Server = createServer(yoga);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  const url = new URL(options.databaseUrl);
  return {
    name,
    url: `http://127.0.0.1:${port}/graphql`,
    sdl: ZOO_SDL,
    schema,
    server: { host: url.hostname, port: Number(url.port || 5432), database: url.pathname.slice(1), schema },
    statements,
    async stop() {
      await new Promise<void>((resolve) => server.close(() => resolve()).closeAllConnections());
      await pool.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`).catch(() => undefined);
      await pool.end();
    },
  };
}

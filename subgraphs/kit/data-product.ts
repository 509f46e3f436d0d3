import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildSubgraphSchema } from '@apollo/subgraph';
import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper/resolverMap.js';
import type { GraphQLSchema } from 'graphql';
import { parse } from 'graphql';
import type { Queryable } from './database.js';
import { RowFilters, type RowFilterTargets } from './row-filter.js';
import { CONTRACT_FILE, readDescriptor, type DataProductDescriptor } from '../../gateway/protocol/index.js';
import type { SeedScripts } from './seed.js';

/** What every resolver of a data product receives as its context. */
export interface SubgraphContext<Loaders> {
  /** This request's batch loaders: nothing is shared between requests. */
  loaders: Loaders;
  /** The row filters this request carries for the product (row-filter.ts). */
  rows: RowFilters;
}

/** What a domain team writes in its folder's `index.ts`. */
export interface DataProductDefinition<Loaders> {
  /** The folder name; also the Postgres schema and the subgraph name in the supergraph. */
  name: string;
  /** The port `meshgate start` and `meshgate subgraph NAME` use unless told otherwise. */
  defaultPort: number;
  /** `import.meta.url` of the folder's index.ts: the folder holds the SDL, SQL and data contract. */
  moduleUrl: string;
  /** `rows`: the request's row filters, which the product's statements apply (row-filter.ts). */
  createLoaders: (db: Queryable, rows: RowFilters) => Loaders;
  /** The types and columns the product filters rows on; a request with any other filter is refused. */
  rowFilters?: RowFilterTargets;
  resolvers: GraphQLResolverMap<SubgraphContext<Loaders>>;
}

/** A data product as the platform sees it: files read, types erased. */
export interface DataProduct {
  readonly name: string;
  readonly defaultPort: number;
  /** `schema.graphql`, the source of truth for the product's API. */
  readonly sdl: string;
  readonly sql: SeedScripts;
  readonly descriptor: DataProductDescriptor;
  readonly rowFilters: RowFilterTargets;
  buildSchema(): GraphQLSchema;
  createContext(db: Queryable, rows?: RowFilters): SubgraphContext<unknown>;
}

export function defineDataProduct<Loaders>(definition: DataProductDefinition<Loaders>): DataProduct {
  const dir = fileURLToPath(new URL('.', definition.moduleUrl));
  const read = (file: string) => readFileSync(join(dir, file), 'utf8');
  const sdl = read('schema.graphql');
  return Object.freeze({
    name: definition.name,
    defaultPort: definition.defaultPort,
    sdl,
    sql: { ddl: read('schema.sql'), seed: read('seed.sql') },
    descriptor: readDescriptor(join(dir, CONTRACT_FILE)),
    buildSchema: () =>
      buildSubgraphSchema({
        typeDefs: parse(sdl),
        // The resolver map is typed per product; buildSubgraphSchema takes the erased form.
        resolvers: definition.resolvers as GraphQLResolverMap<unknown>,
      }),
    rowFilters: definition.rowFilters ?? {},
    createContext: (db: Queryable, rows: RowFilters = RowFilters.NONE) => ({
      loaders: definition.createLoaders(db, rows),
      rows,
    }),
  });
}

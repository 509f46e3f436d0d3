/**
 * What the quality runner needs of a product's database: its schema, and a transaction on one
 * connection in which it sets READ ONLY, the search path and a statement timeout
 * (read-only.ts). The kit's database (subgraphs/kit/database.ts) is one; a product in any other
 * stack is reached through its contract's `servers` entry (postgres-server.ts).
 */
export interface ReadableDatabase {
  /** The Postgres schema that holds the product's tables. */
  readonly schema: string;
  transaction<T>(work: (tx: ReadableTransaction) => Promise<T>): Promise<T>;
}

export interface ReadableTransaction {
  query<Row>(sql: string, params?: readonly unknown[]): Promise<Row[]>;
}

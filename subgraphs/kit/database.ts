import { mkdirSync } from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import { ErrorCode, StartupError } from '../../gateway/common/errors.js';
import { sqlSpan } from './tracing.js';

/** What a data product's data-access code may do with its database. */
export interface Queryable {
  /** One parameterised statement. Counted in `stats.statements`. */
  query<Row>(sql: string, params?: readonly unknown[]): Promise<Row[]>;
  /** A multi-statement script without parameters: DDL and seeds. Not counted. */
  exec(script: string): Promise<void>;
}

export interface Database extends Queryable {
  readonly kind: 'pglite' | 'postgres';
  /** The Postgres schema that holds this domain's tables. */
  readonly schema: string;
  /** Statements issued through `query` since start: the batching tests read it. */
  readonly stats: { statements: number };
  /** Runs `work` in one transaction on one connection. */
  transaction<T>(work: (tx: Queryable) => Promise<T>): Promise<T>;
  /** PGlite only: the whole data directory as a tarball (PGlite's `dumpDataDir`), to start copies from. */
  dumpDataDir?(): Promise<Blob>;
  close(): Promise<void>;
}

export interface DatabaseOptions {
  /** Domain schema name; every statement runs with `search_path` set to it. */
  schema: string;
  /** A PostgreSQL server URL; without it the database is embedded PGlite. */
  url?: string | undefined;
  /** PGlite only: the directory that keeps the data between starts; in memory when absent. */
  dataDir?: string | undefined;
  /**
   * PGlite in memory only: a data directory dumped by `dumpDataDir` to start from (PGlite's
   * `loadDataDir`). Seeding the 50,000-order world costs tens of seconds of CPU in PGlite;
   * the tests start many meshes and clone one seeded copy instead.
   */
  template?: Blob | undefined;
}

/** Opens the domain's database: a real PostgreSQL server when a URL is given, else PGlite. */
export async function openDatabase(options: DatabaseOptions): Promise<Database> {
  if (!/^[a-z_][a-z0-9_]*$/.test(options.schema)) {
    throw new StartupError(ErrorCode.CONFIG_INVALID, `invalid schema name "${options.schema}"`);
  }
  return options.url
    ? openPostgres(options.url, options.schema)
    : openPglite(options.schema, options.dataDir, options.template);
}

async function openPglite(
  schema: string,
  dataDir: string | undefined,
  template: Blob | undefined,
): Promise<Database> {
  if (dataDir) mkdirSync(dataDir, { recursive: true });
  if (dataDir && template) {
    throw new StartupError(ErrorCode.CONFIG_INVALID, 'a PGlite template is for an in-memory database only');
  }
  let db: PGlite;
  try {
    db = template ? await PGlite.create({ loadDataDir: template }) : await PGlite.create(dataDir);
    // PGlite is one connection, so a session-level search_path holds for every statement.
    await db.exec(`CREATE SCHEMA IF NOT EXISTS ${schema}; SET search_path TO ${schema};`);
  } catch (cause) {
    if (!dataDir) throw cause;
    // A run killed while PGlite wrote can leave files it cannot read back; its own message
    // ("Aborted(). Build with -sASSERTIONS…") names neither the directory nor a way out.
    throw new StartupError(
      ErrorCode.DATABASE_UNREACHABLE,
      `cannot open the embedded database in ${dataDir} (${(cause as Error).message.split('\n')[0]}): ` +
        'a run stopped while writing can leave it unreadable; remove that directory and start again ' +
        '(the data product is seeded anew), or set DATABASE_URL',
      cause,
    );
  }
  const stats = { statements: 0 };
  const queryable: Queryable = {
    async query<Row>(sql: string, params: readonly unknown[] = []) {
      stats.statements++;
      return sqlSpan(schema, sql, async () => (await db.query<Row>(sql, params as unknown[])).rows);
    },
    async exec(script) {
      await db.exec(script);
    },
  };
  return {
    kind: 'pglite',
    schema,
    stats,
    ...queryable,
    transaction: (work) =>
      db.transaction((tx) =>
        work({
          query: async <Row>(sql: string, params: readonly unknown[] = []) =>
            (await tx.query<Row>(sql, params as unknown[])).rows,
          exec: async (script) => void (await tx.exec(script)),
        }),
      ),
    dumpDataDir: () => db.dumpDataDir('none'),
    close: () => db.close(),
  };
}

async function openPostgres(url: string, schema: string): Promise<Database> {
  const pool = new pg.Pool({
    connectionString: url,
    // Every pooled connection starts in the domain's schema: the SQL stays unqualified and
    // identical to the embedded mode's.
    options: `-c search_path=${schema}`,
    connectionTimeoutMillis: 5_000,
    max: 10,
  });
  // A pool emits 'error' when an idle connection dies (server restart); without a listener
  // that would crash the process. The next query reconnects.
  pool.on('error', () => undefined);
  try {
    await pool.query('SELECT 1');
  } catch (cause) {
    await pool.end().catch(() => undefined);
    throw new StartupError(
      ErrorCode.DATABASE_UNREACHABLE,
      `cannot reach DATABASE_URL ${redactUrl(url)}: ${(cause as Error).message || String(cause)}`,
      cause,
    );
  }
  const stats = { statements: 0 };
  return {
    kind: 'postgres',
    schema,
    stats,
    async query<Row>(sql: string, params: readonly unknown[] = []) {
      stats.statements++;
      return sqlSpan(schema, sql, async () => (await pool.query(sql, params as unknown[])).rows as Row[]);
    },
    async exec(script) {
      await pool.query(script);
    },
    async transaction(work) {
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        const result = await work({
          query: async <Row>(sql: string, params: readonly unknown[] = []) =>
            (await client.query(sql, params as unknown[])).rows as Row[],
          exec: async (script) => void (await client.query(script)),
        });
        await client.query('COMMIT');
        return result;
      } catch (error) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw error;
      } finally {
        client.release();
      }
    },
    close: () => pool.end(),
  };
}

/** Hides the password of a connection URL in messages and logs. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return '<unparseable url>';
  }
}

import { readFileSync } from 'node:fs';
import { isAbsolute, join, normalize, sep } from 'node:path';
import pg from 'pg';
import type { DataProductDescriptor } from '../../protocol/index.js';
import type { ReadableDatabase } from './readable-database.js';

/**
 * A product not built on the kit is measured in its own database, which its contract names in
 * an ODCS `servers` entry of type `postgres` (or `postgresql`): host, port, database, schema.
 * The contract never holds credentials. They come from the platform's environment,
 * `MESHGATE_PG_<PRODUCT>_USER` and `MESHGATE_PG_<PRODUCT>_PASSWORD` (the product's name upper
 * case, `-` as `_`), or from a JSON file `{"user": …, "password": …}` the entry names with the
 * custom property `meshgate.credentialsFile`, read from the product's own folder of
 * MESHGATE_CREDENTIALS_DIR. Both are keyed on the product, so no contract can send another
 * product's credentials (or the platform's) to a host of its choosing.
 */
export interface PostgresServer {
  /** The entry's `server` (or `id`), for messages. */
  readonly name: string;
  readonly host: string;
  readonly port: number;
  readonly database: string;
  readonly schema: string;
  /** `meshgate.credentialsFile`, as the contract gives it. */
  readonly credentialsFile: string | null;
}

export interface ServerCredentials {
  readonly user: string;
  readonly password?: string | undefined;
}

/** Where credentials are read from (QualityConfig). */
export interface CredentialSources {
  readonly serverCredentials?: Readonly<Record<string, string>> | undefined;
  readonly credentialsDir?: string | undefined;
}

export const CREDENTIALS_FILE_PROPERTY = 'meshgate.credentialsFile';

/**
 * The product's first `servers` entry of type postgres; null when it has none (a kit product,
 * measured in its own process), an error text when the entry is incomplete.
 */
export function postgresServerOf(
  descriptor: DataProductDescriptor,
): PostgresServer | { error: string } | null {
  const servers = descriptor.contract.servers;
  if (!Array.isArray(servers)) return null;
  const entry = servers.find(
    (s: unknown): s is Record<string, unknown> =>
      typeof s === 'object' &&
      s !== null &&
      ['postgres', 'postgresql'].includes(String((s as { type?: unknown }).type)),
  );
  if (!entry) return null;
  const name = String(entry.server ?? entry.id ?? 'postgres');
  const { host, port, database, schema } = entry;
  if (typeof host !== 'string' || !host) return { error: `servers entry ${name}: host is missing` };
  if (typeof port !== 'number' || !Number.isInteger(port) || port < 1 || port > 65_535)
    return { error: `servers entry ${name}: port must be a port number` };
  if (typeof database !== 'string' || !database)
    return { error: `servers entry ${name}: database is missing` };
  if (typeof schema !== 'string' || !/^[a-z_][a-z0-9_]*$/.test(schema))
    return { error: `servers entry ${name}: schema must be a lower-case SQL identifier` };
  const custom = Array.isArray(entry.customProperties) ? (entry.customProperties as unknown[]) : [];
  const file = custom.find(
    (p): p is { value: unknown } =>
      typeof p === 'object' &&
      p !== null &&
      (p as { property?: unknown }).property === CREDENTIALS_FILE_PROPERTY,
  );
  return {
    name,
    host,
    port,
    database,
    schema,
    credentialsFile: typeof file?.value === 'string' ? file.value : null,
  };
}

/** The environment variables of a product's credentials. */
export function credentialVariables(product: string): { user: string; password: string } {
  const key = product.toUpperCase().replace(/[^A-Z0-9]/g, '_');
  return { user: `MESHGATE_PG_${key}_USER`, password: `MESHGATE_PG_${key}_PASSWORD` };
}

/** The credentials of a product's server, or why there are none (the reason a result reports). */
export function serverCredentials(
  product: string,
  server: PostgresServer,
  sources: CredentialSources,
): ServerCredentials | { missing: string } {
  const variables = credentialVariables(product);
  const env = sources.serverCredentials ?? {};
  if (env[variables.user]) return { user: env[variables.user]!, password: env[variables.password] };
  if (server.credentialsFile === null)
    return {
      missing: `no credentials for server ${server.name}: set ${variables.user} (and ${variables.password})`,
    };
  if (!sources.credentialsDir)
    return {
      missing: `server ${server.name} names ${server.credentialsFile}, but MESHGATE_CREDENTIALS_DIR is not set`,
    };
  const folder = join(sources.credentialsDir, product);
  const path = normalize(join(folder, server.credentialsFile));
  if (isAbsolute(server.credentialsFile) || !path.startsWith(folder + sep))
    return {
      missing: `server ${server.name}: ${CREDENTIALS_FILE_PROPERTY} must name a file in the product's own folder`,
    };
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8'));
  } catch (cause) {
    const code = (cause as NodeJS.ErrnoException).code;
    // The file's text is never quoted: it holds a password.
    return {
      missing: `credentials file ${product}/${server.credentialsFile} ${code === 'ENOENT' ? 'does not exist' : 'is not readable JSON'}`,
    };
  }
  const { user, password } = (parsed ?? {}) as { user?: unknown; password?: unknown };
  if (typeof user !== 'string' || !user)
    return { missing: `credentials file ${product}/${server.credentialsFile} has no "user"` };
  return { user, password: typeof password === 'string' ? password : undefined };
}

/**
 * A small pool on the product's server, as a reader: every connection starts in a read-only
 * default transaction mode with a statement timeout (the runner sets both again per
 * transaction: read-only.ts), and never more than two connections.
 */
export function openServerDatabase(
  server: PostgresServer,
  credentials: ServerCredentials,
  statementTimeoutMs: number,
): ReadableDatabase & { close(): Promise<void> } {
  const pool = new pg.Pool({
    host: server.host,
    port: server.port,
    database: server.database,
    user: credentials.user,
    ...(credentials.password !== undefined && { password: credentials.password }),
    options: `-c default_transaction_read_only=on -c statement_timeout=${Math.max(1, Math.floor(statementTimeoutMs))}`,
    connectionTimeoutMillis: 5_000,
    idleTimeoutMillis: 30_000,
    max: 2,
    application_name: 'meshgate-quality',
  });
  // An idle connection that dies (server restart) must not crash the platform: the next run reconnects.
  pool.on('error', () => undefined);
  return {
    schema: server.schema,
    async transaction(work) {
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        const result = await work({
          query: async <Row>(sql: string, params: readonly unknown[] = []) =>
            (await client.query(sql, params as unknown[])).rows as Row[],
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

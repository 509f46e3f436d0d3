import { isAbsolute, resolve } from 'node:path';
import { z } from 'zod';
import { securityConfig, securityEnv, type SecurityConfig } from '../auth/security-config.js';
import { readConfigFile } from './config-file.js';
import { ErrorCode, StartupError } from '../common/errors.js';
import { limitsConfig, limitsEnv } from '../limits/limits-config.js';
import type { LimitsConfig } from '../limits/types.js';
import { persistedConfig, persistedEnv } from '../persisted/persisted-config.js';
import { planningConfig, planningEnv, type PlanningConfig } from '../planning/planning-config.js';
import type { PersistedConfig } from '../persisted/types.js';
import { cacheConfig, cacheEnv } from '../subgraph-fetch/entity-cache/cache-config.js';
import type { CacheConfig } from '../subgraph-fetch/entity-cache/types.js';
import { lineageConfig, lineageEnv, type LineageConfig } from '../lineage/lineage-config.js';
import { registryConfig, registryEnv, type RegistryConfig } from '../../schema/registry/registry-config.js';
import { hasHashTag, redisConfig, redisEnv, type RedisConnection } from '../redis/redis-config.js';
import { qualityConfig, qualityEnv, type QualityConfig } from '../health/quality-config.js';
import { sliConfig, sliEnv, type SliConfig } from '../health/sli-config.js';
import { probeConfig, probeEnv, type ProbeConfig } from '../health/probe-config.js';
import { tracingConfig, tracingEnv } from '../observability/tracing/tracing-config.js';
import { incidentsConfig, incidentsEnv, type IncidentsConfig } from '../alerts/incidents-config.js';
import { accessConfig, accessEnv, type AccessConfig } from '../access/access-config.js';
import { mcpConfig, mcpEnv } from '../mcp/mcp-config.js';
import type { McpConfig } from '../mcp/types.js';
import type { TracingConfig } from '../observability/tracing/types.js';

/**
 * meshgate's configuration: read from the environment (and CLI flags, which win), validated
 * once at start-up with one message per bad value, then frozen. Nothing else reads
 * `process.env`. The README's configuration table lists the same variables.
 */

const port = z.coerce
  .number({ error: 'must be a port number' })
  .int('must be an integer')
  .min(0, 'must be from 0 to 65535')
  .max(65_535, 'must be from 0 to 65535');

/** `name=url,name=url`, the form SUBGRAPH_URLS takes. */
const subgraphUrls = z.string().transform((text, ctx) => {
  const urls: Record<string, string> = {};
  for (const entry of text
    .split(',')
    .map((e) => e.trim())
    .filter(Boolean)) {
    const match = /^([a-z][a-z0-9_-]*)=(https?:\/\/\S+)$/.exec(entry);
    if (!match) {
      ctx.addIssue({ code: 'custom', message: `"${entry}" is not name=http(s)://host:port/path` });
      return z.NEVER;
    }
    urls[match[1]!] = match[2]!;
  }
  return urls;
});

const databaseUrl = z
  .string()
  .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// or postgresql:// URL')
  .optional();

const EnvSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  HOST: z.string().min(1).default('127.0.0.1'),
  PORT: port.default(4000),
  SUPERGRAPH_PATH: z.string().min(1).default('schema/supergraph.graphql'),
  /** Where the contracts of a supergraph file's products are (`<dir>/<product>/contract.odcs.yaml`). */
  CONTRACTS_DIR: z.string().min(1).optional(),
  SUBGRAPH_URLS: subgraphUrls.default({}),
  DATABASE_URL: databaseUrl,
  MESHGATE_STATE_DIR: z.string().min(1).default('.meshgate'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** Identical subgraph queries in flight at once share one round trip (gateway/subgraph-fetch/inflight-fetch.ts). */
  SUBGRAPH_DEDUP: z.enum(['on', 'off']).default('on'),
  // Policy layer: authentication, policies, subgraph context tokens (auth/security-config.ts).
  ...securityEnv,
  // The deployment's Redis: one server or a cluster, TLS, credentials (redis/redis-config.ts).
  ...redisEnv,
  // Lineage: store, spool, retention, OpenLineage export (lineage/lineage-config.ts).
  ...lineageEnv,
  // Schema registry and hot reload (schema/registry/registry-config.ts).
  ...registryEnv,
  // Request limits and rate limits (limits/limits-config.ts).
  ...limitsEnv,
  // Automatic persisted queries and safelist mode (persisted/persisted-config.ts).
  ...persistedEnv,
  // Query planning: deadline (worker thread), plan cache bytes, warm-up on reload (planning/planning-config.ts).
  ...planningEnv,
  // The entity cache of subgraph answers: L1 in memory, L2 in Redis (subgraph-fetch/entity-cache/cache-config.ts).
  ...cacheEnv,
  // SLIs from live traffic per data product: on/off, flush interval, Redis prefix (health/sli-config.ts).
  ...sliEnv,
  // The scheduled health probe of every product's subgraph: on/off, interval, failures in a row (health/probe-config.ts).
  ...probeEnv,
  // Quality rules and freshness probes of the data contracts, on a schedule (health/quality-config.ts).
  ...qualityEnv,
  // Incidents the gateway opens itself from burn rates and quality results (alerts/incidents-config.ts).
  ...incidentsEnv,
  // OpenTelemetry traces over OTLP/HTTP, the standard OTEL_* variables; off unless set (observability/tracing/).
  ...tracingEnv,
  // Access requests and their grants, policy as code in policies/grants/ (access/access-config.ts).
  ...accessEnv,
  // The MCP endpoint for AI agents: on/off, execute_graphql, sessions (mcp/mcp-config.ts).
  ...mcpEnv,
  /**
   * Graceful shutdown's bound: past it, what lineage holds in memory goes to the spool
   * (fsynced) and the process exits 0, whatever Redis or a slow client does.
   */
  SHUTDOWN_TIMEOUT_MS: z.coerce
    .number({ error: 'must be a number of milliseconds' })
    .int('must be an integer')
    .min(100, 'must be from 100 to 600000')
    .max(600_000, 'must be from 100 to 600000')
    .default(10_000),
  /** A YAML/JSON file of these same variables (config-file.ts); the environment wins over it. */
  MESHGATE_CONFIG: z.string().min(1).optional(),
});

/** Every environment variable meshgate reads (test/deploy.test.ts checks docker-compose.yml uses no other). */
export const CONFIG_VARIABLES: readonly string[] = Object.freeze(Object.keys(EnvSchema.shape));

export type Environment = 'development' | 'production' | 'test';

export interface MeshgateConfig {
  readonly environment: Environment;
  readonly host: string;
  readonly port: number;
  /**
   * Where the gateway's supergraph comes from: the composed file (the default, and what
   * production runs), or composing the live subgraphs' SDL at start (development).
   */
  readonly supergraph: Readonly<
    { source: 'file'; path: string } | { source: 'registry'; path: string } | { source: 'introspect' }
  >;
  /** Subgraph URLs by name: routing overrides for a file, the subgraphs to compose otherwise. */
  readonly subgraphUrls: Readonly<Record<string, string>>;
  /**
   * A directory of data contracts (`<dir>/<product>/contract.odcs.yaml`) describing the products
   * of a supergraph file (a registry's supergraph brings its own); none: undescribed.
   */
  readonly contractsDir: string | undefined;
  /** A PostgreSQL server for the subgraphs; embedded PGlite when absent. */
  readonly databaseUrl: string | undefined;
  /** Local state: PGlite data directories, development keys. Git-ignored. */
  readonly stateDir: string;
  readonly logLevel: z.infer<typeof EnvSchema>['LOG_LEVEL'];
  /** Share identical in-flight subgraph queries. */
  readonly subgraphDedup: boolean;
  /** JWT verification, policies and gateway → subgraph context tokens. */
  readonly security: SecurityConfig;
  /** The deployment's Redis (one server or a cluster); none: every shared state stays in memory. */
  readonly redis: RedisConnection | undefined;
  /** Lineage recording: Redis or the in-memory store, spool, retention, strict mode. */
  readonly lineage: LineageConfig;
  /** The schema registry: Redis (REDIS_URL) or a local directory. */
  readonly registry: RegistryConfig;
  /** Depth, aliases, root fields, tokens, cost, body size, batch size, rate limits. */
  readonly limits: LimitsConfig;
  /** APQ (cache in Redis) and safelist mode. */
  readonly persisted: PersistedConfig;
  /** The planning deadline, the plan cache's byte bound, the warm-up on reload. */
  readonly planning: PlanningConfig;
  /** The entity cache: on/off, L1 byte bound, L2 in Redis, TTL bound. */
  readonly cache: CacheConfig;
  /** SLI recording: on/off, Redis (every replica adds to one number) or memory, flush interval. */
  readonly sli: SliConfig;
  /** The scheduled health probe: on/off, interval, the failures in a row that make a product down. */
  readonly probe: ProbeConfig;
  /** The contracts' quality rules and freshness probes: schedule, statement timeout, history. */
  readonly quality: QualityConfig;
  /** Incidents from burn alerts, blocking quality rules and stale data: on/off, interval, Redis or memory. */
  readonly incidents: IncidentsConfig;
  /** OpenTelemetry tracing: off, or the OTLP/HTTP endpoint, service name and sampler. */
  readonly tracing: TracingConfig;
  /** How long a graceful shutdown may take before it persists what it holds and exits. */
  readonly shutdownTimeoutMs: number;
  /** Access requests, their audit log and grants: where grants live, their signing key, the store. */
  readonly access: AccessConfig;
  /** The MCP endpoint: on/off (on in development), execute_graphql, session bounds, the RFC 9728 metadata. */
  readonly mcp: McpConfig;
}

/** CLI flags; each overrides its environment variable. */
export interface ConfigOverrides {
  port?: string | number | undefined;
  /** The port when neither PORT nor `port` gives one (a data product's own port). */
  defaultPort?: number | undefined;
  supergraphPath?: string | undefined;
  introspect?: boolean | undefined;
  /** Serve the registry's supergraph and hot-reload it (SUPERGRAPH_SOURCE=registry). */
  registry?: boolean | undefined;
  /** A configuration file; overrides MESHGATE_CONFIG. */
  configFile?: string | undefined;
}

export function loadConfig(
  env: NodeJS.ProcessEnv = process.env,
  overrides: ConfigOverrides = {},
): MeshgateConfig {
  const configFile = overrides.configFile ?? env.MESHGATE_CONFIG;
  const fromFile = configFile ? readConfigFile(absolute(configFile), CONFIG_VARIABLES) : {};
  const input = {
    ...(overrides.defaultPort !== undefined && { PORT: String(overrides.defaultPort) }),
    ...fromFile,
    ...env,
    ...(overrides.port !== undefined && { PORT: String(overrides.port) }),
    ...(overrides.supergraphPath !== undefined && { SUPERGRAPH_PATH: overrides.supergraphPath }),
  };
  const parsed = EnvSchema.safeParse(input);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => {
      const name = String(issue.path[0]);
      const where = name in fromFile && !(name in env) ? ` (in ${configFile})` : '';
      return `${name}=${JSON.stringify(input[name as keyof typeof input] ?? '')}${where}: ${issue.message}`;
    });
    throw new StartupError(ErrorCode.CONFIG_INVALID, `invalid configuration: ${problems.join('; ')}`);
  }
  const e = parsed.data;
  const redis = clusterSafe(redisConfig(e), e);
  if (overrides.introspect && Object.keys(e.SUBGRAPH_URLS).length === 0) {
    throw new StartupError(
      ErrorCode.CONFIG_INVALID,
      'composing from live subgraphs needs SUBGRAPH_URLS=name=url,...',
    );
  }
  return Object.freeze({
    environment: e.NODE_ENV,
    host: e.HOST,
    port: e.PORT,
    supergraph: Object.freeze(supergraphChoice(e.SUPERGRAPH_SOURCE, overrides, absolute(e.SUPERGRAPH_PATH))),
    subgraphUrls: Object.freeze(e.SUBGRAPH_URLS),
    contractsDir: e.CONTRACTS_DIR ? absolute(e.CONTRACTS_DIR) : undefined,
    databaseUrl: e.DATABASE_URL,
    stateDir: absolute(e.MESHGATE_STATE_DIR),
    logLevel: e.LOG_LEVEL,
    subgraphDedup: e.SUBGRAPH_DEDUP === 'on',
    security: securityConfig(e, absolute),
    redis,
    lineage: lineageConfig(e, absolute(e.MESHGATE_STATE_DIR), redis),
    registry: registryConfig(e, absolute(e.MESHGATE_STATE_DIR), absolute, redis),
    limits: limitsConfig(e, redis),
    persisted: persistedConfig(e, absolute, redis),
    planning: planningConfig(e),
    cache: cacheConfig(e, redis),
    sli: sliConfig(e, redis),
    probe: probeConfig(e),
    quality: qualityConfig(e, redis, input),
    incidents: incidentsConfig(e, redis),
    tracing: tracingConfig(e),
    shutdownTimeoutMs: e.SHUTDOWN_TIMEOUT_MS,
    access: accessConfig(
      e,
      { absolute, policyDir: absolute(e.POLICY_DIR), stateDir: absolute(e.MESHGATE_STATE_DIR) },
      redis,
    ),
    mcp: mcpConfig(e, e.NODE_ENV, e.JWT_ISSUER),
  });
}

/**
 * On a Redis Cluster, the prefixes whose keys one script or transaction touches together must
 * carry a hash tag (`{…}`), or Redis refuses those commands (CROSSSLOT) at the first write.
 */
function clusterSafe(
  redis: ReturnType<typeof redisConfig>,
  e: { LINEAGE_PREFIX: string; REGISTRY_PREFIX: string },
): RedisConnection | undefined {
  if (redis && 'variable' in redis) {
    throw new StartupError(
      ErrorCode.CONFIG_INVALID,
      `invalid configuration: ${redis.variable}: ${redis.message}`,
    );
  }
  if (redis?.kind === 'cluster') {
    for (const [name, prefix] of [
      ['LINEAGE_PREFIX', e.LINEAGE_PREFIX],
      ['REGISTRY_PREFIX', e.REGISTRY_PREFIX],
    ] as const) {
      if (!hasHashTag(prefix))
        throw new StartupError(
          ErrorCode.CONFIG_INVALID,
          `invalid configuration: ${name}=${JSON.stringify(prefix)}: on a Redis Cluster it needs a hash tag, e.g. "meshgate:{${name === 'LINEAGE_PREFIX' ? 'lineage' : 'registry'}}:"`,
        );
    }
  }
  return redis;
}

/** Flags win over SUPERGRAPH_SOURCE; with the registry, the file is the fallback until it has a supergraph. */
function supergraphChoice(
  source: 'file' | 'registry',
  overrides: ConfigOverrides,
  path: string,
): MeshgateConfig['supergraph'] {
  if (overrides.introspect) return { source: 'introspect' };
  return { source: overrides.registry || source === 'registry' ? 'registry' : 'file', path };
}

function absolute(path: string): string {
  return isAbsolute(path) ? path : resolve(process.cwd(), path);
}

import { z } from 'zod';

/**
 * Where the deployment's Redis is: one server (REDIS_URL) or a Redis Cluster
 * (REDIS_CLUSTER_NODES), with optional TLS and ACL credentials for managed services. Every
 * user of Redis (lineage, registry, APQ, rate limits, SLIs, incidents, the cache) opens its
 * connection from this one value, through `openRedis` (redis-connection.ts).
 */
export const redisEnv = {
  /** One Redis server; without it (and without a cluster) everything stays in memory. */
  REDIS_URL: z
    .string()
    .regex(/^rediss?:\/\//, 'must be a redis:// or rediss:// URL')
    .optional(),
  /** A Redis Cluster: `host:port,host:port,...` (any of its nodes; the rest are discovered). */
  REDIS_CLUSTER_NODES: z
    .string()
    .transform((text, ctx) => {
      const nodes: { host: string; port: number }[] = [];
      for (const entry of text
        .split(',')
        .map((e) => e.trim())
        .filter(Boolean)) {
        const match = /^([A-Za-z0-9.-]+|\[[0-9a-fA-F:]+\]):(\d{1,5})$/.exec(entry);
        const port = Number(match?.[2]);
        if (!match || port < 1 || port > 65_535) {
          ctx.addIssue({ code: 'custom', message: `"${entry}" is not host:port` });
          return z.NEVER;
        }
        nodes.push({ host: match[1]!.replace(/^\[|\]$/g, ''), port });
      }
      if (nodes.length === 0) {
        ctx.addIssue({ code: 'custom', message: 'must name at least one host:port' });
        return z.NEVER;
      }
      return nodes;
    })
    .optional(),
  /** `on`: TLS to every node (a rediss:// URL implies it). */
  REDIS_TLS: z.enum(['on', 'off']).default('off'),
  REDIS_USERNAME: z.string().min(1).optional(),
  REDIS_PASSWORD: z.string().min(1).optional(),
};

type RedisEnv = z.infer<z.ZodObject<typeof redisEnv>>;

export interface RedisNode {
  readonly host: string;
  readonly port: number;
}

/** The connection settings, frozen; `describe` never shows a password. */
export type RedisConnection = Readonly<
  ({ kind: 'server'; url: string } | { kind: 'cluster'; nodes: readonly RedisNode[] }) & {
    tls: boolean;
    username: string | undefined;
    password: string | undefined;
    describe: string;
  }
>;

export type RedisConfigProblem = { variable: string; message: string };

/** The deployment's Redis, or undefined when none is configured; a problem when both kinds are. */
export function redisConfig(e: RedisEnv): RedisConnection | undefined | RedisConfigProblem {
  const credentials = { tls: e.REDIS_TLS === 'on', username: e.REDIS_USERNAME, password: e.REDIS_PASSWORD };
  if (e.REDIS_URL && e.REDIS_CLUSTER_NODES) {
    return {
      variable: 'REDIS_CLUSTER_NODES',
      message: 'set either REDIS_URL (one server) or REDIS_CLUSTER_NODES (a cluster), not both',
    };
  }
  if (e.REDIS_CLUSTER_NODES) {
    const nodes = Object.freeze(e.REDIS_CLUSTER_NODES.map((node) => Object.freeze(node)));
    return Object.freeze({
      kind: 'cluster',
      nodes,
      ...credentials,
      describe: `Redis Cluster ${nodes.map((n) => `${n.host}:${n.port}`).join(',')}`,
    });
  }
  if (e.REDIS_URL) {
    return Object.freeze({
      kind: 'server',
      url: e.REDIS_URL,
      ...credentials,
      tls: credentials.tls || e.REDIS_URL.startsWith('rediss://'),
      describe: redactUrl(e.REDIS_URL),
    });
  }
  return undefined;
}

/** Never print a password from a URL. */
export function redactUrl(url: string): string {
  return url.replace(/\/\/([^@/]*)@/, '//***@');
}

/** A hash tag (`{…}`, non-empty) in a key prefix puts every key under it in one cluster slot. */
export function hasHashTag(prefix: string): boolean {
  return /\{[^}]+\}/.test(prefix);
}

/** One server's settings from its URL alone (tests, benchmarks, `--redis URL` flags). */
export function redisServer(url: string): RedisConnection {
  const connection = redisConfig({ REDIS_URL: url, REDIS_TLS: 'off' });
  if (!connection || 'variable' in connection) throw new Error(`not a Redis URL: ${url}`);
  return connection;
}

import { Cluster, Redis, type ClusterOptions, type RedisOptions } from 'ioredis';
import type { RedisClient } from './redis-client.js';
import type { RedisConnection } from './redis-config.js';

/**
 * How a user of Redis wants its commands to behave while Redis is away. The request path
 * fails fast (a miss, a memory fallback); stores with a spool fail fast too and let the spool
 * carry the gap; the CLI waits for the connection.
 */
export interface RedisBehaviour {
  /** Queue commands until connected (true) or fail them at once (false). */
  readonly offlineQueue: boolean;
  /** Per command, past which it fails; none when absent (a blocking read). */
  readonly commandTimeoutMs?: number;
  /** Retries of a command after a reconnect (0: fail at once). */
  readonly maxRetriesPerRequest: number;
  /** Connect only on `connect()` (or the first command). */
  readonly lazyConnect?: boolean;
  /** Never reconnect after a lost connection (a one-shot CLI command). */
  readonly noReconnect?: boolean;
  readonly connectTimeoutMs?: number;
}

/**
 * Opens a connection with the deployment's settings: a standalone client for REDIS_URL, an
 * ioredis Cluster client for REDIS_CLUSTER_NODES. Callers never branch on which: every
 * multi-key command they send keeps its keys in one slot (hash tags), so both serve them.
 */
export function openRedis(connection: RedisConnection, behaviour: RedisBehaviour): RedisClient {
  const retry = behaviour.noReconnect ? () => null : (attempt: number) => Math.min(attempt * 100, 1_000);
  const options: RedisOptions = {
    enableOfflineQueue: behaviour.offlineQueue,
    ...(behaviour.commandTimeoutMs !== undefined && { commandTimeout: behaviour.commandTimeoutMs }),
    maxRetriesPerRequest: behaviour.maxRetriesPerRequest,
    lazyConnect: behaviour.lazyConnect ?? false,
    connectTimeout: behaviour.connectTimeoutMs ?? 2_000,
    retryStrategy: retry,
    ...(connection.username && { username: connection.username }),
    ...(connection.password && { password: connection.password }),
    ...(connection.tls && { tls: {} }),
  };
  if (connection.kind === 'server') return new Redis(connection.url, options);
  const clusterOptions: ClusterOptions = {
    redisOptions: options,
    enableOfflineQueue: behaviour.offlineQueue,
    lazyConnect: behaviour.lazyConnect ?? false,
    clusterRetryStrategy: retry,
    // A failover moves slots: retry on MOVED/TRYAGAIN/CLUSTERDOWN shortly, then let the caller's spool or fallback act.
    retryDelayOnFailover: 100,
    retryDelayOnClusterDown: 100,
    retryDelayOnTryAgain: 100,
    maxRedirections: 16,
    slotsRefreshTimeout: behaviour.connectTimeoutMs ?? 2_000,
    // Managed services (TLS) announce node names the certificate is for: resolve them as given.
    ...(connection.tls && { dnsLookup: (address, callback) => callback(null, address) }),
  };
  return new Cluster(
    connection.nodes.map((node) => ({ host: node.host, port: node.port })),
    clusterOptions,
  );
}

/** The request path's profile: rate-limit counters, the APQ cache, SLI flushes, the L2 cache. */
export const FAIL_FAST: RedisBehaviour = Object.freeze({
  offlineQueue: false,
  commandTimeoutMs: 1_000,
  maxRetriesPerRequest: 0,
});

/**
 * Work off the request path that a person may be waiting on (a quality run asked for from the
 * CLI): fails at once while Redis is away, like FAIL_FAST, but gives a slow command 5 s. On a
 * busy machine a MULTI of a run's results took longer than FAIL_FAST's 1 s and failed the run.
 */
export const OFF_REQUEST_PATH: RedisBehaviour = Object.freeze({
  offlineQueue: false,
  commandTimeoutMs: 5_000,
  maxRetriesPerRequest: 0,
});

/** A one-shot command (CLI): wait for the connection, never reconnect. */
export const ONE_SHOT: RedisBehaviour = Object.freeze({
  offlineQueue: true,
  // A command run once can wait for a busy machine's connect (2 s failed one under load with
  // "Connection is closed", since it does not reconnect).
  connectTimeoutMs: 10_000,
  commandTimeoutMs: 5_000,
  maxRetriesPerRequest: 1,
  noReconnect: true,
});

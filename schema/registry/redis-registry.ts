import { openRedis, type RedisBehaviour } from '../../gateway/redis/redis-connection.js';
import type { RedisConnection } from '../../gateway/redis/redis-config.js';
import { ErrorCode, StartupError } from '../../gateway/common/errors.js';
import { pollSupergraph } from './poll.js';
import { AUDIT_KEEP, AUDIT_PAGE, selectAudit } from './audit-log.js';
import type {
  AuditEntry,
  PublishedSubgraph,
  PublishedSupergraph,
  Registry,
  RegistryCommit,
} from './types.js';

/**
 * The shared registry in Redis: every gateway of a deployment watches the same keys, so they
 * converge on the same supergraph. Versions are immutable hash entries; two pointers say
 * what is in service; a commit is one MULTI guarded by WATCH on the supergraph pointer.
 *
 *   <prefix>subgraphs              hash  name → current version
 *   <prefix>subgraph:<name>        hash  version → PublishedSubgraph JSON
 *   <prefix>supergraph             string current version
 *   <prefix>supergraphs            hash  version → PublishedSupergraph JSON
 *   <prefix>updates                pub/sub channel: the new version
 *   <prefix>audit                  list   AuditEntry JSON, newest first, capped at AUDIT_KEEP
 */
export function redisRegistry(connection: RedisConnection, prefix: string, pollMs: number): Registry {
  // Fail fast rather than wait forever while Redis is down: a gateway polling the registry
  // must get an error (and keep its supergraph), not hang.
  const behaviour: RedisBehaviour = {
    offlineQueue: true,
    lazyConnect: true,
    maxRetriesPerRequest: 1,
    connectTimeoutMs: 2_000,
    commandTimeoutMs: 3_000,
  };
  const redis = openRedis(connection, behaviour);
  redis.on('error', () => undefined); // Reported through the failing command instead.
  const key = (name: string) => `${prefix}${name}`;

  async function hgetJson<T>(hash: string, field: string | number): Promise<T | null> {
    const value = await redis.hget(key(hash), String(field));
    return value === null ? null : (JSON.parse(value) as T);
  }

  const registry: Registry = {
    kind: 'redis',
    location: `${connection.describe} (prefix ${prefix})`,
    async state() {
      const [pointers, supergraphVersion] = await Promise.all([
        redis.hgetall(key('subgraphs')),
        redis.get(key('supergraph')),
      ]);
      const subgraphs = await Promise.all(
        Object.entries(pointers).map(([name, version]) =>
          hgetJson<PublishedSubgraph>(`subgraph:${name}`, version),
        ),
      );
      const supergraph = supergraphVersion
        ? await hgetJson<PublishedSupergraph>('supergraphs', supergraphVersion)
        : null;
      return {
        subgraphs: subgraphs
          .filter((s): s is PublishedSubgraph => s !== null)
          .sort((a, b) => a.name.localeCompare(b.name)),
        supergraph,
      };
    },
    async history(name) {
      const versions = Object.values(await redis.hgetall(key(`subgraph:${name}`))).map(
        (v) => JSON.parse(v) as PublishedSubgraph,
      );
      return versions.sort((a, b) => a.version - b.version);
    },
    async commit(commit: RegistryCommit, expectedVersion: number) {
      // A dedicated connection: WATCH belongs to a connection, and the shared one may be
      // serving a concurrent read.
      const client = openRedis(connection, behaviour);
      client.on('error', () => undefined);
      try {
        await client.connect();
        await client.watch(key('supergraph'));
        const current = Number((await client.get(key('supergraph'))) ?? 0);
        const conflict = new StartupError(
          ErrorCode.REGISTRY_CONFLICT,
          `the registry moved to supergraph v${current} while this change was checked against v${expectedVersion}; publish again`,
        );
        if (current !== expectedVersion) throw conflict;
        const transaction = client.multi();
        for (const subgraph of commit.subgraphs) {
          transaction.hset(
            key(`subgraph:${subgraph.name}`),
            String(subgraph.version),
            JSON.stringify(subgraph),
          );
          transaction.hset(key('subgraphs'), subgraph.name, String(subgraph.version));
        }
        transaction.hset(
          key('supergraphs'),
          String(commit.supergraph.version),
          JSON.stringify(commit.supergraph),
        );
        transaction.set(key('supergraph'), String(commit.supergraph.version));
        if (commit.audit) {
          transaction.lpush(key('audit'), JSON.stringify(commit.audit));
          transaction.ltrim(key('audit'), 0, AUDIT_KEEP - 1);
        }
        transaction.publish(key('updates'), String(commit.supergraph.version));
        if ((await transaction.exec()) === null) throw conflict;
      } finally {
        client.disconnect();
      }
    },
    async appendAudit(entry: AuditEntry) {
      await redis
        .multi()
        .lpush(key('audit'), JSON.stringify(entry))
        .ltrim(key('audit'), 0, AUDIT_KEEP - 1)
        .exec();
    },
    async audit(query = {}) {
      // Read in pages, newest first, until the query has its lines or the log ends.
      const found: AuditEntry[] = [];
      const wanted = query.limit ?? 100;
      for (let start = 0; start < AUDIT_KEEP && found.length < wanted; start += AUDIT_PAGE) {
        const lines = await redis.lrange(key('audit'), start, start + AUDIT_PAGE - 1);
        found.push(
          ...selectAudit(
            lines.map((line) => JSON.parse(line) as AuditEntry),
            { ...query, limit: wanted - found.length },
          ),
        );
        if (lines.length < AUDIT_PAGE) break;
      }
      return found;
    },
    watch(onSupergraph, onError) {
      const poller = pollSupergraph(registry, pollMs, onSupergraph, onError);
      // Pub/sub makes convergence near-instant; polling covers messages missed while down.
      const subscriber = openRedis(connection, behaviour);
      subscriber.on('error', () => undefined);
      subscriber.on('message', () => void poller.check());
      subscriber.subscribe(key('updates')).catch(() => undefined);
      return () => {
        poller();
        subscriber.disconnect();
      };
    },
    async close() {
      redis.disconnect();
    },
  };
  return registry;
}

import { appendFileSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { FAIL_FAST, openRedis } from '../redis/redis-connection.js';
import type { RedisClient } from '../redis/redis-client.js';
import type { AccessConfig } from './access-config.js';
import type { AccessRequest, AccessStore, AuditEntry } from './types.js';

/** Keys touched together share one hash tag (a Redis Cluster slot). */
export const ACCESS_KEYS = Object.freeze({
  requests: '{meshgate:access}:requests',
  audit: '{meshgate:access}:audit',
  grants: '{meshgate:access}:grants',
});
/** Gateways reload their grants on a message here (grant-source.ts). */
export const GRANTS_CHANNEL = 'meshgate:access:grants';

export function openAccessStore(config: AccessConfig): AccessStore {
  return config.redis
    ? redisStore(openRedis(config.redis, { ...FAIL_FAST, offlineQueue: true, commandTimeoutMs: 5_000 }))
    : fileStore(join(config.stateDir, 'access'));
}

/** One JSON file of requests (rewritten whole, by rename) and an append-only JSON-lines audit log. */
export function fileStore(dir: string): AccessStore {
  const requestsFile = join(dir, 'requests.json');
  const auditFile = join(dir, 'audit.jsonl');
  const read = (): Record<string, AccessRequest> => {
    try {
      return JSON.parse(readFileSync(requestsFile, 'utf8')) as Record<string, AccessRequest>;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return {};
      throw error;
    }
  };
  return {
    kind: 'file',
    async save(request) {
      mkdirSync(dir, { recursive: true });
      const all = read();
      all[request.id] = request;
      const aside = `${requestsFile}.${process.pid}`;
      writeFileSync(aside, JSON.stringify(all, null, 2), { mode: 0o600 });
      renameSync(aside, requestsFile);
    },
    async get(id) {
      return read()[id] ?? null;
    },
    async list() {
      return Object.values(read()).sort((a, b) => a.requestedAt.localeCompare(b.requestedAt));
    },
    async audit(entry) {
      mkdirSync(dir, { recursive: true });
      appendFileSync(auditFile, `${JSON.stringify(entry)}\n`, { mode: 0o600 });
    },
    async auditLog() {
      try {
        return readFileSync(auditFile, 'utf8')
          .split('\n')
          .filter(Boolean)
          .map((line) => JSON.parse(line) as AuditEntry);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
        throw error;
      }
    },
    async close() {},
  };
}

/** Requests in one hash, the audit log in one list (RPUSH only), grant texts in one hash. */
export function redisStore(redis: RedisClient): AccessStore {
  return {
    kind: 'redis',
    async save(request) {
      await redis.hset(ACCESS_KEYS.requests, request.id, JSON.stringify(request));
    },
    async get(id) {
      const text = await redis.hget(ACCESS_KEYS.requests, id);
      return text ? (JSON.parse(text) as AccessRequest) : null;
    },
    async list() {
      const all = await redis.hvals(ACCESS_KEYS.requests);
      return all
        .map((t) => JSON.parse(t) as AccessRequest)
        .sort((a, b) => a.requestedAt.localeCompare(b.requestedAt));
    },
    async audit(entry) {
      await redis.rpush(ACCESS_KEYS.audit, JSON.stringify(entry));
    },
    async auditLog() {
      return (await redis.lrange(ACCESS_KEYS.audit, 0, -1)).map((t) => JSON.parse(t) as AuditEntry);
    },
    async publishGrant(file, text) {
      await redis.hset(ACCESS_KEYS.grants, file, text);
      await redis.publish(GRANTS_CHANNEL, file);
    },
    async close() {
      redis.disconnect();
    },
  };
}

import type { KeyValueCache, KeyValueCacheSetOptions } from '@apollo/utils.keyvaluecache';
import { LRUCache } from 'lru-cache';
import type { Safelist } from './types.js';
import type { RedisClient } from '../redis/redis-client.js';

/**
 * The APQ cache Apollo Server reads and writes (keys come prefixed `apq:<sha256>`):
 * the published manifest first (its operations are always "persisted"), then Redis (shared by
 * every replica, entries expire after APQ_TTL_SECONDS) or, without Redis, a bounded in-memory
 * LRU. A Redis failure is a cache miss — the client then sends the full query — never an error.
 * In safelist mode nothing is registered: only the manifest's operations can run anyway.
 */
export class PersistedQueryCache implements KeyValueCache<string> {
  private readonly memory = new LRUCache<string, string>({ max: 10_000 });

  constructor(
    private readonly options: {
      redis: RedisClient | null;
      prefix: string;
      safelist: Safelist | null;
      registers: boolean;
    },
  ) {}

  async get(key: string): Promise<string | undefined> {
    const fromManifest = this.options.safelist?.operations.get(hashOf(key));
    if (fromManifest !== undefined) return fromManifest;
    const { redis } = this.options;
    if (!redis) return this.memory.get(key);
    try {
      return (await redis.get(this.options.prefix + key)) ?? undefined;
    } catch {
      return undefined;
    }
  }

  async set(key: string, value: string, options?: KeyValueCacheSetOptions): Promise<void> {
    if (!this.options.registers) return;
    const { redis } = this.options;
    const ttl = options?.ttl ?? undefined;
    if (!redis) {
      this.memory.set(key, value, ttl ? { ttl: ttl * 1_000 } : {});
      return;
    }
    try {
      if (ttl) await redis.set(this.options.prefix + key, value, 'EX', ttl);
      else await redis.set(this.options.prefix + key, value);
    } catch {
      // A registration lost while Redis is down: the client re-sends the query next time.
    }
  }

  async delete(key: string): Promise<boolean> {
    this.memory.delete(key);
    try {
      return (await this.options.redis?.del(this.options.prefix + key)) === 1;
    } catch {
      return false;
    }
  }
}

function hashOf(key: string): string {
  return key.slice(key.lastIndexOf(':') + 1);
}

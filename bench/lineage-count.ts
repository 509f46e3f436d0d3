import { Redis } from 'ioredis';

/**
 * Counts the entries of every Redis stream whose key mentions "lineage", so the harness can
 * compare the events contender c stored with the requests it answered. It knows nothing of the
 * lineage layer's key layout beyond that; null when Redis cannot be reached.
 */
export async function countLineageEntries(redisUrl: string): Promise<number | null> {
  const redis = new Redis(redisUrl, {
    lazyConnect: true,
    maxRetriesPerRequest: 1,
    enableOfflineQueue: false,
  });
  try {
    await redis.connect();
    let total = 0;
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', '*lineage*', 'COUNT', 1000, 'TYPE', 'stream');
      cursor = next;
      for (const key of keys) total += await redis.xlen(key);
    } while (cursor !== '0');
    return total;
  } catch {
    return null;
  } finally {
    redis.disconnect();
  }
}

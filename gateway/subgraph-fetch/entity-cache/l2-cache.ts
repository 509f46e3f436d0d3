import type { RedisClient } from '../../redis/redis-client.js';
import { shortHash } from './cache-key.js';

/** What L2 found for one lookup: the subgraph's epoch and, per key, the stored answer. */
export interface L2Read {
  readonly epoch: string;
  readonly entries: readonly ({ fetchedAt: number; text: string } | undefined)[];
}

/**
 * The optional L2: entries in Redis, shared by every replica. Each key carries the subgraph
 * as a hash tag (`prefix{orders}:…`), so one lookup's MGET (the epoch and every entity of
 * the fetch) stays in one cluster slot. An entry expires with Redis's PX at its TTL; its
 * stored fetch time lets the reader refuse it sooner if the TTL has since shrunk.
 *
 * Invalidating a product increments its epoch; entries written under another epoch are
 * read as misses (no SCAN for keys, which a cluster spreads over nodes), and expire.
 *
 * Every command may fail (Redis down, slow): the caller treats a failure as "no L2" and
 * serves from L1 and the subgraph; the request never fails for the cache.
 */
export class L2Cache {
  constructor(
    private readonly redis: RedisClient,
    private readonly prefix: string,
  ) {}

  async read(subgraph: string, keys: readonly string[]): Promise<L2Read> {
    const values = await this.redis.mget(
      this.epochKey(subgraph),
      ...keys.map((k) => this.keyOf(subgraph, k)),
    );
    const epoch = values[0] ?? '0';
    return { epoch, entries: values.slice(1).map((value) => decode(value, epoch)) };
  }

  async write(
    subgraph: string,
    epoch: string,
    entries: readonly { key: string; text: string; fetchedAt: number; ttlMs: number }[],
  ): Promise<void> {
    if (entries.length === 0) return;
    const pipeline = this.redis.pipeline();
    for (const entry of entries)
      pipeline.set(
        this.keyOf(subgraph, entry.key),
        `${entry.fetchedAt}|${epoch}|${entry.text}`,
        'PX',
        entry.ttlMs,
      );
    const results = await pipeline.exec();
    const failed = results?.find(([error]) => error);
    if (failed?.[0]) throw failed[0];
  }

  /** A new epoch for the subgraph: every entry stored before it reads as a miss. */
  async bumpEpoch(subgraph: string): Promise<void> {
    await this.redis.incr(this.epochKey(subgraph));
  }

  epochKey(subgraph: string): string {
    return `${this.prefix}{${subgraph}}:epoch`;
  }

  private keyOf(subgraph: string, key: string): string {
    return `${this.prefix}{${subgraph}}:${shortHash(key)}`;
  }
}

/** `fetchedAt|epoch|text`; an entry of another epoch is a miss. */
function decode(value: string | null, epoch: string): { fetchedAt: number; text: string } | undefined {
  if (value === null) return undefined;
  const first = value.indexOf('|');
  const second = value.indexOf('|', first + 1);
  if (first < 0 || second < 0 || value.slice(first + 1, second) !== epoch) return undefined;
  const fetchedAt = Number(value.slice(0, first));
  return Number.isFinite(fetchedAt) ? { fetchedAt, text: value.slice(second + 1) } : undefined;
}

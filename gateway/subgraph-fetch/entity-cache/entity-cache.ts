import { randomUUID } from 'node:crypto';
import type { RedisClient } from '../../redis/redis-client.js';
import type { Logger } from '../../common/logger.js';
import { metaOfKey, shortHash } from './cache-key.js';
import { CacheCounters } from './cache-stats.js';
import type { ProductFreshness } from './freshness.js';
import { invalidationChannel, invalidationMatcher, InvalidationRequestSchema } from './invalidation.js';
import { L1Cache } from './l1-cache.js';
import { L2Cache, type L2Read } from './l2-cache.js';
import { publishInvalidation } from './publish-invalidation.js';
import type { CacheConfig, EntityCache, InvalidationRequest, Lookup, StoreTicket } from './types.js';

export interface EntityCacheOptions {
  readonly config: Pick<CacheConfig, 'maxBytes' | 'prefix'>;
  /** Per subgraph: its product's TTL and version (freshness.ts). */
  readonly freshness: (subgraph: string) => ProductFreshness;
  /** L2 in Redis; none: L1 only. */
  readonly l2?: RedisClient | undefined;
  /**
   * The invalidation channel: every replica subscribes (a connection of its own, as
   * subscribers need), and `invalidate` publishes there. None: this process only.
   */
  readonly pubsub?: { publisher: RedisClient; subscriber: RedisClient } | undefined;
  readonly logger?: Logger | undefined;
  /** The clock (tests). */
  readonly now?: () => number;
}

/**
 * The entity cache of one gateway: answers of subgraph fetches by subgraph, generation,
 * context fingerprint, selection and representation (cache-key.ts), in an L1 bounded in
 * bytes and optionally an L2 in Redis. A read never returns an entry older than the
 * product's TTL (freshness.ts); such a read is counted as stale and is a miss. The policy
 * stages run after it, on the reassembled response, as they do on a subgraph's own.
 */
export function createEntityCache(options: EntityCacheOptions): EntityCache {
  const now = options.now ?? Date.now;
  const counters = new CacheCounters();
  const l1 = new L1Cache(options.config.maxBytes, counters);
  const l2 = options.l2 ? new L2Cache(options.l2, options.config.prefix) : null;
  const channel = invalidationChannel(options.config.prefix);
  const replica = randomUUID();
  /** Per subgraph: bumped by each invalidation, so a fetch that began before it stores nothing. */
  const localEpochs = new Map<string, number>();
  let supergraph = 'none';
  let l2Failing = false;

  const l2Failed = (subgraph: string, error: unknown) => {
    counters.of(subgraph).l2Errors += 1;
    if (!l2Failing)
      options.logger?.warn({ err: error }, 'entity cache: Redis unavailable, serving from L1 only');
    l2Failing = true;
  };

  const invalidateLocal = (request: InvalidationRequest): number => {
    localEpochs.set(request.product, (localEpochs.get(request.product) ?? 0) + 1);
    return l1.deleteWhere(invalidationMatcher(request));
  };

  const subscriber = options.pubsub?.subscriber;
  if (subscriber) {
    subscriber.on('error', () => undefined);
    subscriber.on('message', (from: string, message: string) => {
      if (from !== channel) return;
      const parsed = InvalidationRequestSchema.safeParse(parseJson(message));
      if (parsed.success) invalidateLocal(parsed.data);
      else options.logger?.warn({ message }, 'entity cache: ignored a malformed invalidation');
    });
    // On every (re)connection: a subscription that failed (Redis down at start) is made again.
    const subscribe = () =>
      subscriber.subscribe(channel).catch((error: unknown) => {
        options.logger?.warn({ err: error }, 'entity cache: cannot subscribe to invalidations');
      });
    subscriber.on('ready', () => void subscribe());
    if (subscriber.status === 'ready') void subscribe();
  }

  const cache: EntityCache = {
    generation(subgraph) {
      return `${supergraph}.${options.freshness(subgraph).version}`;
    },
    ttlMs(subgraph) {
      return options.freshness(subgraph).ttlMs;
    },
    async lookup(subgraph, keys) {
      const ttl = cache.ttlMs(subgraph);
      const stats = counters.of(subgraph);
      const at = now();
      const localEpoch = localEpochs.get(subgraph) ?? 0;
      const texts: (string | undefined)[] = keys.map((key) => {
        const entry = l1.get(key);
        if (!entry) return undefined;
        if (at - entry.fetchedAt >= ttl) {
          stats.stale += 1;
          l1.delete(key);
          return undefined;
        }
        return entry.text;
      });
      let l2Epoch: string | null = null;
      const missing = keys.flatMap((key, i) => (texts[i] === undefined ? [i] : []));
      if (l2 && ttl > 0) {
        let read: L2Read | null = null;
        try {
          read = await l2.read(
            subgraph,
            missing.map((i) => keys[i]!),
          );
          l2Failing = false;
        } catch (error) {
          l2Failed(subgraph, error);
        }
        if (read) {
          l2Epoch = read.epoch;
          read.entries.forEach((entry, j) => {
            if (!entry) return;
            if (at - entry.fetchedAt >= ttl) return void (stats.stale += 1);
            const i = missing[j]!;
            texts[i] = entry.text;
            stats.l2Hits += 1;
            // Promote: the next read on this replica is served from memory, with the fetch's own age.
            l1.set(keys[i]!, { text: entry.text, fetchedAt: entry.fetchedAt, meta: metaOfKey(keys[i]!) });
          });
        }
      }
      const hits = texts.filter((t) => t !== undefined).length;
      stats.hits += hits;
      stats.misses += keys.length - hits;
      return { texts, ticket: { subgraph, startedAt: at, localEpoch, l2Epoch } } satisfies Lookup;
    },
    store(ticket: StoreTicket, entries) {
      const ttl = cache.ttlMs(ticket.subgraph);
      if (ttl <= 0 || entries.length === 0) return;
      // An invalidation arrived while this fetch was in flight: its answers may be the old ones.
      if ((localEpochs.get(ticket.subgraph) ?? 0) !== ticket.localEpoch) return;
      const fetchedAt = ticket.startedAt;
      for (const entry of entries) l1.set(entry.key, { text: entry.text, fetchedAt, meta: entry.meta });
      if (l2 && ticket.l2Epoch !== null) {
        l2.write(
          ticket.subgraph,
          ticket.l2Epoch,
          entries.map((e) => ({ key: e.key, text: e.text, fetchedAt, ttlMs: ttl })),
        ).catch((error: unknown) => l2Failed(ticket.subgraph, error));
      }
    },
    schemaChanged(sdl) {
      supergraph = shortHash(sdl).slice(0, 12);
      l1.clear();
    },
    invalidateLocal,
    async invalidate(request) {
      if (options.pubsub) {
        // Every replica drops its entries on the message, this one included (it subscribes too).
        const replicas = await publishInvalidation(options.pubsub.publisher, options.config.prefix, request);
        return { invalidated: invalidateLocal(request), replicas };
      }
      if (l2) await l2.bumpEpoch(request.product);
      return { invalidated: invalidateLocal(request), replicas: null };
    },
    stats() {
      return {
        enabled: true,
        l2: l2 !== null,
        maxBytes: l1.maxBytes,
        entries: l1.size,
        bytes: l1.bytes,
        subgraphs: counters.snapshot(),
        replica,
      };
    },
    oldestExpiry(subgraph) {
      const ttl = cache.ttlMs(subgraph);
      const oldest = l1.oldestFetchedAt(subgraph);
      // An entry past its TTL is never served: it shields no one.
      const expiry = oldest === null || ttl <= 0 ? null : oldest + ttl;
      return expiry !== null && expiry > now() ? expiry : null;
    },
    async close() {
      subscriber?.disconnect();
    },
  };
  return cache;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

import type { Result } from 'ioredis';
import { closeRedis } from '../redis/close-redis.js';
import { LRUCache } from 'lru-cache';
import { ErrorCode, StartupError } from '../common/errors.js';
import { matches } from './filter.js';
import { openRedis } from '../redis/redis-connection.js';
import type { RedisClient } from '../redis/redis-client.js';
import type { RedisConnection } from '../redis/redis-config.js';
import { TRIM_SHAPES_SCRIPT, WRITE_SCRIPT } from './redis-script.js';
import { shapeFromJson } from './shape.js';
import type {
  LineageEvent,
  LineageFilter,
  LineageStore,
  SerializedEvent,
  Shape,
  WriteResult,
} from './types.js';
import { parseWire, withShape } from './wire.js';

export interface RedisStoreOptions {
  /** One Redis server or a cluster (gateway/redis/). */
  connection: RedisConnection;
  /**
   * Prefix of every key: `<prefix>events` (the stream), `<prefix>shapes*`, `<prefix>idx:*`, `<prefix>seen:*`.
   * On a cluster it carries a hash tag, so one script may write them all (config.ts checks).
   */
  prefix?: string;
  /** Retention by length: approximate MAXLEN of the stream. Default 1,000,000. */
  maxLength?: number;
  /** Retention by age, in ms: older stream entries and index entries are trimmed. Default 7 days. */
  maxAgeMs?: number;
  /** A write not answered within this many ms counts as failed (the spool keeps it). Default 2,000. */
  writeTimeoutMs?: number;
  /** Events per script call; a batch is pipelined as several calls. Default 2,000. */
  chunkSize?: number;
  /** Wait for the first connection and fail if there is none (the CLI); the gateway never waits. */
  connect?: boolean;
}

export const DEFAULT_PREFIX = 'meshgate:{lineage}:';

// The write script as a command: ioredis sends EVALSHA and loads the script on NOSCRIPT.
declare module 'ioredis' {
  interface RedisCommander<Context> {
    meshgateLineageWrite(...keysAndArgs: (string | number)[]): Result<number, Context>;
    meshgateLineageTrimShapes(...keysAndArgs: (string | number)[]): Result<number, Context>;
  }
}

export interface RedisLineageStore extends LineageStore {
  readonly kind: 'redis';
  readonly redis: RedisClient;
  readonly streamKey: string;
  /** Stream entries' fields (`id <uuid> e <json>`) as events; entries that are not are skipped. */
  decode(entries: readonly (readonly string[])[]): Promise<LineageEvent[]>;
}

/**
 * Lineage in Redis Streams: one stream of compact events, their shapes stored once, and
 * sorted-set indexes by principal and by shape (scored by event time, members are stream
 * ids), with sets of the shapes that read each product and field, so the read side never
 * scans the stream for a filtered query; a dedup key per event id (see WRITE_SCRIPT).
 *
 * Commands fail fast while disconnected (no offline queue): the recorder's spool holds events
 * until ioredis has reconnected, instead of an unbounded in-memory queue.
 */
export async function redisStore(options: RedisStoreOptions): Promise<RedisLineageStore> {
  const {
    connection,
    prefix = DEFAULT_PREFIX,
    maxLength = 1_000_000,
    maxAgeMs = 7 * 86_400_000,
    writeTimeoutMs = 2_000,
    chunkSize = 2_000,
  } = options;
  const redis = openRedis(connection, {
    lazyConnect: true,
    offlineQueue: options.connect === true,
    maxRetriesPerRequest: 1,
    commandTimeoutMs: writeTimeoutMs,
    noReconnect: options.connect === true,
  });
  // The number of keys comes first in each call: it varies with the batch.
  redis.defineCommand('meshgateLineageWrite', { lua: WRITE_SCRIPT });
  redis.defineCommand('meshgateLineageTrimShapes', { lua: TRIM_SHAPES_SCRIPT });
  redis.on('error', () => undefined); // failures surface as rejected writes; the recorder reports them
  const connecting = redis.connect();
  if (options.connect) {
    await connecting.catch((cause: unknown) => {
      throw new StartupError(
        ErrorCode.LINEAGE_STORE_UNAVAILABLE,
        `cannot reach ${connection.describe}: ${String((cause as Error).message ?? cause)}`,
        cause,
      );
    });
  } else {
    connecting.catch(() => undefined); // reconnects in the background; the spool covers the gap
  }
  const streamKey = `${prefix}events`;
  const shapesKey = `${prefix}shapes`;
  const usedKey = `${prefix}shapes:used`;
  // Expiring old shapes costs two reads: at most once a minute (a tenth of a short retention).
  const shapeTrimIntervalMs = Math.min(60_000, maxAgeMs / 10);
  let lastShapeTrim = 0;
  const ttlSeconds = String(Math.ceil(maxAgeMs / 1000));
  // Shape ids are content hashes: a shape read once never changes.
  const shapeCache = new LRUCache<string, Shape>({ max: 10_000 });

  async function write(batch: readonly SerializedEvent[]): Promise<WriteResult> {
    const pipeline = redis.pipeline();
    const now = Date.now();
    const cutoff = maxAgeMs > 0 ? now - maxAgeMs : 0;
    for (let start = 0; start < batch.length; start += chunkSize) {
      const chunk = batch.slice(start, start + chunkSize);
      const shapes = new Map<string, Shape>();
      for (const { shape } of chunk) shapes.set(shape.id, shape);
      // Keys in the order WRITE_SCRIPT reads them; arguments beside them.
      const keys: string[] = [streamKey, shapesKey, usedKey];
      const args: (string | number)[] = [maxLength, ttlSeconds, now, cutoff, shapes.size];
      for (const shape of shapes.values()) {
        for (const product of shape.products) keys.push(`${prefix}shapes:product:${product}`);
        for (const coordinate of shape.coordinates) keys.push(`${prefix}shapes:field:${coordinate}`);
        args.push(shape.id, shape.json, shape.products.length, shape.coordinates.length);
      }
      for (const { event, shape, json } of chunk) {
        keys.push(
          `${prefix}seen:${event.id}`,
          `${prefix}idx:principal:${event.principal.sub}`,
          `${prefix}idx:shape:${shape.id}`,
        );
        args.push(event.id, Date.parse(event.time), json, shape.id);
      }
      pipeline.meshgateLineageWrite(keys.length, ...keys, ...args);
    }
    const results = (await pipeline.exec()) ?? [];
    let stored = 0;
    for (const [error, count] of results) {
      if (error) throw error;
      stored += Number(count);
    }
    if (cutoff > 0 && now - lastShapeTrim >= shapeTrimIntervalMs) {
      lastShapeTrim = now;
      await trimShapes(cutoff);
    }
    return { stored, duplicates: batch.length - stored };
  }

  /** Shapes no event within retention uses (at most 100 a call): see TRIM_SHAPES_SCRIPT. */
  async function trimShapes(cutoff: number): Promise<number> {
    const ids = await redis.zrangebyscore(usedKey, '-inf', `(${cutoff}`, 'LIMIT', 0, 100);
    if (ids.length === 0) return 0;
    const jsons = await redis.hmget(shapesKey, ...ids);
    const keys: string[] = [shapesKey, usedKey];
    const args: (string | number)[] = [cutoff];
    ids.forEach((id, i) => {
      const shape = jsons[i] ? shapeFromJson(id, jsons[i]) : null;
      const products = shape?.products ?? [];
      const coordinates = shape?.coordinates ?? [];
      for (const product of products) keys.push(`${prefix}shapes:product:${product}`);
      for (const coordinate of coordinates) keys.push(`${prefix}shapes:field:${coordinate}`);
      keys.push(`${prefix}idx:shape:${id}`);
      args.push(id, products.length, coordinates.length);
    });
    return Number(await redis.meshgateLineageTrimShapes(keys.length, ...keys, ...args));
  }

  async function query(filter: LineageFilter): Promise<LineageEvent[]> {
    const min = String(filter.since);
    const max = filter.until === undefined ? '+inf' : String(filter.until);
    const lookups: Promise<string[]>[] = [];
    if (filter.principal !== undefined)
      lookups.push(inTime([`${prefix}idx:principal:${filter.principal}`], min, max));
    if (filter.product !== undefined) lookups.push(viaShapes('product', filter.product, min, max));
    if (filter.field !== undefined) lookups.push(viaShapes('field', filter.field, min, max));
    if (lookups.length === 0) return scan(filter);
    const lists = await Promise.all(lookups);
    lists.sort((a, b) => a.length - b.length);
    const [smallest = [], ...rest] = lists;
    const others = rest.map((list) => new Set(list));
    const ids = smallest.filter((id) => others.every((set) => set.has(id)));
    const found = (await fetch(ids.slice(-filter.limit))).filter((e) => matches(e, filter));
    return found.sort((a, b) => a.time.localeCompare(b.time));
  }

  /**
   * Stream ids of the events of every shape that read a product or field, plus those of the
   * index written before shapes existed (`idx:product:*`, `idx:field:*`), in time order.
   */
  async function viaShapes(kind: 'product' | 'field', name: string, min: string, max: string) {
    const shapeIds = await redis.smembers(`${prefix}shapes:${kind}:${name}`);
    return inTime(
      [`${prefix}idx:${kind}:${name}`, ...shapeIds.map((id) => `${prefix}idx:shape:${id}`)],
      min,
      max,
    );
  }

  /** The stream ids in several indexes within a time range, merged in time order. */
  async function inTime(keys: readonly string[], min: string, max: string): Promise<string[]> {
    const pipeline = redis.pipeline();
    for (const key of keys) pipeline.zrangebyscore(key, min, max, 'WITHSCORES');
    const scored: { id: string; score: number }[] = [];
    for (const [error, flat] of (await pipeline.exec()) ?? []) {
      if (error) throw error;
      const pairs = flat as string[];
      for (let i = 0; i < pairs.length; i += 2) scored.push({ id: pairs[i]!, score: Number(pairs[i + 1]) });
    }
    if (keys.length > 1) scored.sort((a, b) => a.score - b.score || a.id.localeCompare(b.id));
    return scored.map((s) => s.id);
  }

  /** Unfiltered: the stream backwards from now to `since` (write time ≥ event time). */
  async function scan(filter: LineageFilter): Promise<LineageEvent[]> {
    const found: LineageEvent[] = [];
    let end = '+';
    for (;;) {
      const page = await redis.xrevrange(streamKey, end, String(filter.since), 'COUNT', 1_000);
      for (const event of await decode(page.map(([, fields]) => fields))) {
        if (matches(event, filter)) found.push(event);
        if (found.length >= filter.limit) break;
      }
      if (page.length < 1_000 || found.length >= filter.limit) break;
      end = `(${page[page.length - 1]![0]}`;
    }
    return found.sort((a, b) => a.time.localeCompare(b.time));
  }

  async function fetch(streamIds: readonly string[]): Promise<LineageEvent[]> {
    if (streamIds.length === 0) return [];
    const pipeline = redis.pipeline();
    for (const id of streamIds) pipeline.xrange(streamKey, id, id);
    const found: string[][] = [];
    for (const [error, entries] of (await pipeline.exec()) ?? []) {
      if (error) throw error;
      // An index entry can outlive its stream entry (MAXLEN trimming): it has none.
      for (const [, fields] of entries as [string, string[]][]) found.push(fields);
    }
    return decode(found);
  }

  async function decode(entries: readonly (readonly string[])[]): Promise<LineageEvent[]> {
    const records = entries.map((fields) => parseWire(fields[fields.indexOf('e') + 1] ?? ''));
    const missing = new Set<string>();
    for (const record of records)
      if (record?.kind === 'compact' && !shapeCache.has(record.event.shape)) missing.add(record.event.shape);
    if (missing.size > 0) {
      const ids = [...missing];
      const jsons = await redis.hmget(shapesKey, ...ids);
      ids.forEach((id, i) => {
        const shape = jsons[i] ? shapeFromJson(id, jsons[i]) : null;
        if (shape) shapeCache.set(id, shape);
      });
    }
    const events: LineageEvent[] = [];
    for (const record of records) {
      if (record?.kind === 'full') events.push(record.event);
      if (record?.kind !== 'compact') continue;
      // A shape trimmed with its events' retention: the entry is past it too.
      const shape = shapeCache.get(record.event.shape);
      if (shape) events.push(withShape(record.event, shape));
    }
    return events;
  }

  return {
    kind: 'redis',
    durable: true,
    redis,
    streamKey,
    decode,
    write,
    query,
    async close() {
      await closeRedis(redis);
    },
  };
}

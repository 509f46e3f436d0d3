import { Redis, type Result } from 'ioredis';
import { ErrorCode, StartupError } from '../errors.js';
import { coordinatesOf, matches } from './filter.js';
import { WRITE_SCRIPT } from './redis-script.js';
import type { LineageEvent, LineageFilter, LineageStore, SerializedEvent, WriteResult } from './types.js';

export interface RedisStoreOptions {
  url: string;
  /** Prefix of every key: `<prefix>events` (the stream), `<prefix>idx:*`, `<prefix>seen:*`. */
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

export const DEFAULT_PREFIX = 'meshgate:lineage:';

// The write script as a command: ioredis sends EVALSHA and loads the script on NOSCRIPT.
declare module 'ioredis' {
  interface RedisCommander<Context> {
    meshgateLineageWrite(...args: (string | number)[]): Result<number, Context>;
  }
}

export interface RedisLineageStore extends LineageStore {
  readonly kind: 'redis';
  readonly redis: Redis;
  readonly streamKey: string;
}

/**
 * Lineage in Redis Streams: one stream of events, sorted-set indexes per product, principal
 * and field (scored by event time, members are stream ids) so the read side never scans the
 * stream for a filtered query, a dedup key per event id (see WRITE_SCRIPT).
 *
 * Commands fail fast while disconnected (no offline queue): the recorder's spool holds events
 * until ioredis has reconnected, instead of an unbounded in-memory queue.
 */
export async function redisStore(options: RedisStoreOptions): Promise<RedisLineageStore> {
  const {
    url,
    prefix = DEFAULT_PREFIX,
    maxLength = 1_000_000,
    maxAgeMs = 7 * 86_400_000,
    writeTimeoutMs = 2_000,
    chunkSize = 2_000,
  } = options;
  const redis = new Redis(url, {
    lazyConnect: true,
    enableOfflineQueue: options.connect === true,
    maxRetriesPerRequest: 1,
    commandTimeout: writeTimeoutMs,
    retryStrategy: options.connect ? () => null : (times) => Math.min(times * 100, 1_000),
  });
  redis.defineCommand('meshgateLineageWrite', { numberOfKeys: 0, lua: WRITE_SCRIPT });
  redis.on('error', () => undefined); // failures surface as rejected writes; the recorder reports them
  const connecting = redis.connect();
  if (options.connect) {
    await connecting.catch((cause: unknown) => {
      throw new StartupError(
        ErrorCode.LINEAGE_STORE_UNAVAILABLE,
        `cannot reach Redis at ${redactUrl(url)}: ${String((cause as Error).message ?? cause)}`,
        cause,
      );
    });
  } else {
    connecting.catch(() => undefined); // reconnects in the background; the spool covers the gap
  }
  const streamKey = `${prefix}events`;
  const ttlSeconds = String(Math.ceil(maxAgeMs / 1000));

  async function write(batch: readonly SerializedEvent[]): Promise<WriteResult> {
    const pipeline = redis.pipeline();
    const cutoff = maxAgeMs > 0 ? String(Date.now() - maxAgeMs) : '0';
    for (let start = 0; start < batch.length; start += chunkSize) {
      const args: (string | number)[] = [prefix, maxLength, ttlSeconds, cutoff];
      for (const { event, json } of batch.slice(start, start + chunkSize)) {
        const fields = coordinatesOf(event);
        args.push(
          event.id,
          Date.parse(event.time),
          json,
          event.principal.sub,
          event.products.length,
          ...event.products,
          fields.length,
          ...fields,
        );
      }
      pipeline.meshgateLineageWrite(...args);
    }
    const results = (await pipeline.exec()) ?? [];
    let stored = 0;
    for (const [error, count] of results) {
      if (error) throw error;
      stored += Number(count);
    }
    return { stored, duplicates: batch.length - stored };
  }

  async function query(filter: LineageFilter): Promise<LineageEvent[]> {
    const min = String(filter.since);
    const max = filter.until === undefined ? '+inf' : String(filter.until);
    const keys = [
      filter.product !== undefined && `${prefix}idx:product:${filter.product}`,
      filter.principal !== undefined && `${prefix}idx:principal:${filter.principal}`,
      filter.field !== undefined && `${prefix}idx:field:${filter.field}`,
    ].filter((k): k is string => typeof k === 'string');
    if (keys.length === 0) return scan(filter);
    const lists = await Promise.all(keys.map((key) => redis.zrangebyscore(key, min, max)));
    lists.sort((a, b) => a.length - b.length);
    const [smallest = [], ...rest] = lists;
    const others = rest.map((list) => new Set(list));
    const ids = smallest.filter((id) => others.every((set) => set.has(id)));
    const found = (await fetch(ids.slice(-filter.limit))).filter((e) => matches(e, filter));
    return found.sort((a, b) => a.time.localeCompare(b.time));
  }

  /** Unfiltered: the stream backwards from now to `since` (write time ≥ event time). */
  async function scan(filter: LineageFilter): Promise<LineageEvent[]> {
    const found: LineageEvent[] = [];
    let end = '+';
    for (;;) {
      const page = await redis.xrevrange(streamKey, end, String(filter.since), 'COUNT', 1_000);
      for (const [, fields] of page) {
        const event = parseEntry(fields);
        if (event && matches(event, filter)) found.push(event);
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
    const events: LineageEvent[] = [];
    for (const [error, entries] of (await pipeline.exec()) ?? []) {
      if (error) throw error;
      // An index entry can outlive its stream entry (MAXLEN trimming): skip it.
      for (const [, fields] of entries as [string, string[]][]) {
        const event = parseEntry(fields);
        if (event) events.push(event);
      }
    }
    return events;
  }

  return {
    kind: 'redis',
    durable: true,
    redis,
    streamKey,
    write,
    query,
    async close() {
      await redis.quit().catch(() => redis.disconnect());
    },
  };
}

/** A stream entry's fields are `id <uuid> e <json>`. */
export function parseEntry(fields: readonly string[]): LineageEvent | null {
  const at = fields.indexOf('e');
  const json = at >= 0 ? fields[at + 1] : undefined;
  return json === undefined ? null : (JSON.parse(json) as LineageEvent);
}

/** Never print a password from a URL. */
export function redactUrl(url: string): string {
  return url.replace(/\/\/([^@/]*)@/, '//***@');
}

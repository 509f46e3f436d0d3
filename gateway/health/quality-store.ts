import type { RedisClient } from '../redis/redis-client.js';
import type { FreshnessReading, QualityResult, QualityStore } from './types.js';

/**
 * Where quality results and freshness readings are kept: the newest of each rule (and of each
 * product's freshness) to answer "how is it now", and a bounded history per rule (and per
 * product) to answer "since when". In memory for one process, in Redis (REDIS_URL) when
 * replicas and the CLI should see the same runs.
 */
export interface QualityStoreOptions {
  /** Results kept per rule, and readings per product; the oldest go first. */
  readonly historyLimit: number;
}

const byRule = (a: QualityResult, b: QualityResult) =>
  a.product.localeCompare(b.product) || a.ruleId.localeCompare(b.ruleId);
const byProduct = (a: FreshnessReading, b: FreshnessReading) => a.product.localeCompare(b.product);

export function memoryQualityStore({ historyLimit }: QualityStoreOptions): QualityStore {
  const rules = new Map<string, QualityResult[]>();
  const freshness = new Map<string, FreshnessReading[]>();
  const push = <T>(map: Map<string, T[]>, key: string, value: T) => {
    const list = map.get(key) ?? [];
    list.unshift(value);
    list.length = Math.min(list.length, historyLimit);
    map.set(key, list);
  };
  return {
    async record(results) {
      for (const result of results) push(rules, ruleKey(result.product, result.ruleId), result);
    },
    async recordFreshness(readings) {
      for (const reading of readings) push(freshness, reading.product, reading);
    },
    async latest(product) {
      return [...rules.values()]
        .map((list) => list[0]!)
        .filter((r) => product === undefined || r.product === product)
        .sort(byRule);
    },
    async history(product, ruleId, limit) {
      return (rules.get(ruleKey(product, ruleId)) ?? []).slice(0, limit);
    },
    async latestFreshness(product) {
      return [...freshness.values()]
        .map((list) => list[0]!)
        .filter((r) => product === undefined || r.product === product)
        .sort(byProduct);
    },
    async freshnessHistory(product, limit) {
      return (freshness.get(product) ?? []).slice(0, limit);
    },
  };
}

/**
 * The Redis store. Keys, under `prefix`: `latest` (hash: product/rule → newest result),
 * `rule:<product>/<rule>` (list, newest first, trimmed to the limit), `freshness-latest`
 * (hash: product → newest reading), `freshness:<product>` (list). Every write is one
 * MULTI, so a reader never sees a history without its latest; on a Redis Cluster the prefix
 * carries a hash tag (the default `meshgate:{quality}:` does) so the keys share a slot.
 */
export function redisQualityStore(
  redis: RedisClient,
  { historyLimit, prefix }: QualityStoreOptions & { readonly prefix: string },
): QualityStore {
  const latestKey = `${prefix}latest`;
  const freshnessLatestKey = `${prefix}freshness-latest`;
  const ruleList = (product: string, ruleId: string) => `${prefix}rule:${ruleKey(product, ruleId)}`;
  const freshnessList = (product: string) => `${prefix}freshness:${product}`;
  const parse = <T>(values: string[]) => values.map((v) => JSON.parse(v) as T);
  return {
    async record(results) {
      if (!results.length) return;
      const multi = redis.multi();
      for (const result of results) {
        const json = JSON.stringify(result);
        const list = ruleList(result.product, result.ruleId);
        multi.hset(latestKey, ruleKey(result.product, result.ruleId), json);
        multi.lpush(list, json).ltrim(list, 0, historyLimit - 1);
      }
      await multi.exec();
    },
    async recordFreshness(readings) {
      if (!readings.length) return;
      const multi = redis.multi();
      for (const reading of readings) {
        const json = JSON.stringify(reading);
        const list = freshnessList(reading.product);
        multi.hset(freshnessLatestKey, reading.product, json);
        multi.lpush(list, json).ltrim(list, 0, historyLimit - 1);
      }
      await multi.exec();
    },
    async latest(product) {
      return parse<QualityResult>(Object.values(await redis.hgetall(latestKey)))
        .filter((r) => product === undefined || r.product === product)
        .sort(byRule);
    },
    async history(product, ruleId, limit) {
      if (limit <= 0) return [];
      return parse<QualityResult>(await redis.lrange(ruleList(product, ruleId), 0, limit - 1));
    },
    async latestFreshness(product) {
      return parse<FreshnessReading>(Object.values(await redis.hgetall(freshnessLatestKey)))
        .filter((r) => product === undefined || r.product === product)
        .sort(byProduct);
    },
    async freshnessHistory(product, limit) {
      if (limit <= 0) return [];
      return parse<FreshnessReading>(await redis.lrange(freshnessList(product), 0, limit - 1));
    },
  };
}

/** Product names are `[a-z0-9-]`, so `/` cannot occur in one and the key is unambiguous. */
function ruleKey(product: string, ruleId: string): string {
  return `${product}/${ruleId}`;
}

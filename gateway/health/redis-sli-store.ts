import type { RedisClient } from '../redis/redis-client.js';
import { emptyCounts, LATENCY_BOUNDS_MS } from './latency-histogram.js';
import { TIERS } from './sli-tiers.js';
import type { SliBatch, SliBucket, SliCounts, SliSeries, SliStore, TierName } from './slo-types.js';

/**
 * Adds one product's batch of bucket deltas atomically and at most once.
 *
 * KEYS[1] is the batch's marker `<prefix>{<product>}:flush:<batch id>`; KEYS[2..] the bucket
 * hashes `<prefix>{<product>}:<tier>:<bucket start>`. The product's hash tag puts them all in
 * one Redis Cluster slot. ARGV[1] is the marker's TTL (ms); then per bucket key: its TTL (ms),
 * the number of field/increment pairs, the pairs. A marker that exists means the batch was
 * applied before (a retry after a timeout whose write did land): nothing is added again.
 * Returns 1 when applied, 0 for a duplicate.
 */
export const ADD_BATCH_SCRIPT = `
if not redis.call('SET', KEYS[1], '1', 'NX', 'PX', ARGV[1]) then return 0 end
local a = 2
for k = 2, #KEYS do
  local ttl, n = ARGV[a], tonumber(ARGV[a + 1])
  a = a + 2
  for i = 1, n do
    redis.call('HINCRBY', KEYS[k], ARGV[a], ARGV[a + 1])
    a = a + 2
  end
  redis.call('PEXPIRE', KEYS[k], ttl)
end
return 1
`;

/** Long past any retry of a batch: a retry follows its failed attempt within a flush interval or two. */
const MARKER_TTL_MS = 3_600_000;

type ScriptClient = RedisClient & {
  meshgateSliAdd(numberOfKeys: number, ...args: (string | number)[]): Promise<number>;
};

/**
 * SLI buckets in Redis, shared by every replica: one hash per product, series (`origin`
 * unnamed in the key, `cache`, `probe`), tier and bucket start with fields `ok`, `err`, `us` (duration sum, µs) and `b0`…`bN` (latency buckets), each
 * added to with HINCRBY and expiring past its tier's retention.
 */
export function redisSliStore(redis: RedisClient, prefix = 'meshgate:sli:'): SliStore {
  const client = redis as ScriptClient;
  if (typeof client.meshgateSliAdd !== 'function')
    redis.defineCommand('meshgateSliAdd', { lua: ADD_BATCH_SCRIPT });
  // `origin` keeps the layout it had before the other series existed.
  const key = (product: string, tier: TierName, start: number, series: SliSeries = 'origin') =>
    series === 'origin'
      ? `${prefix}{${product}}:${tier}:${start}`
      : `${prefix}{${product}}:${series}:${tier}:${start}`;
  return {
    kind: 'redis',
    async add(batch: SliBatch) {
      const keys = [`${prefix}{${batch.product}}:flush:${batch.id}`];
      const args: (string | number)[] = [MARKER_TTL_MS];
      for (const delta of batch.deltas) {
        const pairs = fieldsOf(delta.counts);
        keys.push(key(batch.product, delta.tier, delta.start, batch.series));
        args.push(TIERS[delta.tier].retentionMs + TIERS[delta.tier].sizeMs, pairs.length / 2, ...pairs);
      }
      const applied = await client.meshgateSliAdd(keys.length, ...keys, ...args);
      return applied === 1 ? 'applied' : 'duplicate';
    },
    async read(product, tier, from, to, series) {
      const size = TIERS[tier].sizeMs;
      const starts: number[] = [];
      for (let start = from; start <= to; start += size) starts.push(start);
      if (starts.length === 0) return [];
      const pipeline = redis.pipeline();
      for (const start of starts) pipeline.hgetall(key(product, tier, start, series));
      const answers = (await pipeline.exec()) ?? [];
      const buckets: SliBucket[] = [];
      answers.forEach(([error, hash], i) => {
        if (error) throw error;
        const counts = countsOf(hash as Record<string, string>);
        if (counts) buckets.push({ tier, start: starts[i]!, counts });
      });
      return buckets;
    },
    async close() {},
  };
}

function fieldsOf(counts: SliCounts): (string | number)[] {
  const pairs: (string | number)[] = [];
  if (counts.ok) pairs.push('ok', counts.ok);
  if (counts.errors) pairs.push('err', counts.errors);
  if (counts.durationMicros) pairs.push('us', counts.durationMicros);
  counts.buckets.forEach((n, i) => n && pairs.push(`b${i}`, n));
  return pairs;
}

function countsOf(hash: Record<string, string>): SliCounts | null {
  if (Object.keys(hash).length === 0) return null;
  const counts = emptyCounts();
  counts.ok = Number(hash.ok ?? 0);
  counts.errors = Number(hash.err ?? 0);
  counts.durationMicros = Number(hash.us ?? 0);
  for (let i = 0; i <= LATENCY_BOUNDS_MS.length; i++) counts.buckets[i] = Number(hash[`b${i}`] ?? 0);
  return counts;
}

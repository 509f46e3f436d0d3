/**
 * Writes a batch of lineage events atomically per event, idempotently per event id.
 *
 * KEYS, in the order the script reads them (the client lists them, `writeKeys`): the stream,
 * the shapes hash, the shapes-used zset; per new shape its product sets, then its field sets;
 * per event its `seen:` key, its principal index and its shape index.
 * ARGV: maxlen, dedup ttl (s), now (epoch ms), cutoff (epoch ms, 0 = none), then #shapes and
 * per shape: id, json, #products, #fields; then per event: id, time (epoch ms), json (compact,
 * see wire.ts), shape id.
 *
 * Keys (all under the prefix, whose hash tag keeps them in one Redis Cluster slot):
 * - `events`: the stream, one entry `id <uuid> e <json>` per event;
 * - `shapes`: hash of shape id → shape JSON; `shapes:used`: zset of shape id → last write;
 * - `shapes:product:<product>`, `shapes:field:<coordinate>`: sets of the shapes that read it;
 * - `idx:principal:<sub>`, `idx:shape:<id>`: zsets of stream ids scored by event time;
 * - `seen:<event id>`: the dedup key, kept as long as events are.
 *
 * A new shape is stored and added to its product and field sets once. An event whose
 * `seen:<id>` key is new (SET NX) is XADDed (approximate MAXLEN) and indexed twice, by
 * principal and by shape: a filter by product or field goes through the shapes that read it.
 * That is two index entries per event instead of one per product and field read (about 25),
 * which is what lets Redis take tens of thousands of events a second. A script runs
 * atomically, so a crash or timeout leaves an event either fully written (and marked seen) or
 * not at all: replaying the spool can never duplicate one.
 *
 * Every key is declared, as Redis Cluster requires: the script builds none. With a cutoff,
 * the stream and every index the batch touched are trimmed to it; shapes last written before
 * it are expired by TRIM_SHAPES_SCRIPT, whose keys only the shapes' JSON names.
 * Returns the number of events stored (the rest were duplicates).
 */
export const WRITE_SCRIPT = `
local maxlen, ttl, now, cutoff = ARGV[1], ARGV[2], ARGV[3], tonumber(ARGV[4])
local stream, shapes, used = KEYS[1], KEYS[2], KEYS[3]
local k, i = 4, 6
for s = 1, tonumber(ARGV[5]) do
  local sid, json, np, nf = ARGV[i], ARGV[i + 1], tonumber(ARGV[i + 2]), tonumber(ARGV[i + 3])
  if redis.call('HSETNX', shapes, sid, json) == 1 then
    for p = 0, np + nf - 1 do redis.call('SADD', KEYS[k + p], sid) end
  end
  redis.call('ZADD', used, now, sid)
  k = k + np + nf
  i = i + 4
end
local index = {}
local function add(key, score, sid)
  local members = index[key]
  if not members then members = {}; index[key] = members end
  members[#members + 1] = score
  members[#members + 1] = sid
end
local stored = 0
while i <= #ARGV do
  local id, score, json = ARGV[i], ARGV[i + 1], ARGV[i + 2]
  if redis.call('SET', KEYS[k], '1', 'NX', 'EX', ttl) then
    local sid = redis.call('XADD', stream, 'MAXLEN', '~', maxlen, '*', 'id', id, 'e', json)
    add(KEYS[k + 1], score, sid)
    add(KEYS[k + 2], score, sid)
    stored = stored + 1
  end
  k = k + 3
  i = i + 4
end
-- One ZADD per index key per batch, not per event (unpack is bounded: 4,000 pairs a call).
for key, members in pairs(index) do
  for from = 1, #members, 8000 do
    redis.call('ZADD', key, unpack(members, from, math.min(from + 7999, #members)))
  end
  if cutoff > 0 then redis.call('ZREMRANGEBYSCORE', key, '-inf', '(' .. cutoff) end
end
if cutoff > 0 then redis.call('XTRIM', stream, 'MINID', '~', cutoff) end
return stored
`;

/**
 * Expires shapes last written before the cutoff: removes each from its product and field sets
 * and drops its index. The client reads the candidates and their JSON first (to name the
 * keys); the script checks again that each is still older than the cutoff, so a shape written
 * again in between is kept.
 *
 * KEYS: the shapes hash, the shapes-used zset, then per shape its product sets, its field sets
 * and its `idx:shape:` key. ARGV: cutoff, then per shape: id, #products, #fields.
 */
export const TRIM_SHAPES_SCRIPT = `
local shapes, used, cutoff = KEYS[1], KEYS[2], tonumber(ARGV[1])
local k, i, removed = 3, 2, 0
while i <= #ARGV do
  local sid, np, nf = ARGV[i], tonumber(ARGV[i + 1]), tonumber(ARGV[i + 2])
  local score = redis.call('ZSCORE', used, sid)
  if score and tonumber(score) < cutoff then
    for p = 0, np + nf - 1 do redis.call('SREM', KEYS[k + p], sid) end
    redis.call('DEL', KEYS[k + np + nf])
    redis.call('HDEL', shapes, sid)
    redis.call('ZREM', used, sid)
    removed = removed + 1
  end
  k = k + np + nf + 1
  i = i + 3
end
return removed
`;

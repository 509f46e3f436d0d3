/**
 * Writes a batch of lineage events atomically per event, idempotently per event id.
 *
 * ARGV: prefix, maxlen, dedup ttl (s), now (epoch ms), cutoff (epoch ms, 0 = none), then
 * #shapes and per shape: id, json, #products, products…, #fields, field coordinates…;
 * then per event: id, time (epoch ms), json (compact, see wire.ts), principal, shape id.
 *
 * Keys (all under the prefix):
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
 * With a cutoff, the stream and every index the batch touched are trimmed to it, and so are
 * shapes last written before it (at most 100 a batch): no event still kept refers to them,
 * except the few entries approximate trimming leaves, which read back as missing.
 *
 * Keys are built in the script (not passed as KEYS): fine on a single Redis or a replica set,
 * not on Redis Cluster. Returns the number of events stored (the rest were duplicates).
 */
export const WRITE_SCRIPT = `
local prefix, maxlen, ttl, now, cutoff = ARGV[1], ARGV[2], ARGV[3], ARGV[4], tonumber(ARGV[5])
local stream, shapes, used = prefix .. 'events', prefix .. 'shapes', prefix .. 'shapes:used'
local i = 7
for s = 1, tonumber(ARGV[6]) do
  local sid, json, np = ARGV[i], ARGV[i + 1], tonumber(ARGV[i + 2])
  local nf = tonumber(ARGV[i + 3 + np])
  if redis.call('HSETNX', shapes, sid, json) == 1 then
    for p = 1, np do redis.call('SADD', prefix .. 'shapes:product:' .. ARGV[i + 2 + p], sid) end
    for f = 1, nf do redis.call('SADD', prefix .. 'shapes:field:' .. ARGV[i + 3 + np + f], sid) end
  end
  redis.call('ZADD', used, now, sid)
  i = i + 4 + np + nf
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
  local id, score, json, principal, shape = ARGV[i], ARGV[i + 1], ARGV[i + 2], ARGV[i + 3], ARGV[i + 4]
  if redis.call('SET', prefix .. 'seen:' .. id, '1', 'NX', 'EX', ttl) then
    local sid = redis.call('XADD', stream, 'MAXLEN', '~', maxlen, '*', 'id', id, 'e', json)
    add(prefix .. 'idx:principal:' .. principal, score, sid)
    add(prefix .. 'idx:shape:' .. shape, score, sid)
    stored = stored + 1
  end
  i = i + 5
end
-- One ZADD per index key per batch, not per event (unpack is bounded: 4,000 pairs a call).
for key, members in pairs(index) do
  for from = 1, #members, 8000 do
    redis.call('ZADD', key, unpack(members, from, math.min(from + 7999, #members)))
  end
  if cutoff > 0 then redis.call('ZREMRANGEBYSCORE', key, '-inf', '(' .. cutoff) end
end
if cutoff > 0 then
  redis.call('XTRIM', stream, 'MINID', '~', cutoff)
  for _, sid in ipairs(redis.call('ZRANGEBYSCORE', used, '-inf', '(' .. cutoff, 'LIMIT', 0, 100)) do
    local json = redis.call('HGET', shapes, sid)
    if json then
      local shape = cjson.decode(json)
      for _, p in ipairs(shape.products) do redis.call('SREM', prefix .. 'shapes:product:' .. p, sid) end
      for _, f in ipairs(shape.fields) do redis.call('SREM', prefix .. 'shapes:field:' .. f.coordinate, sid) end
      redis.call('HDEL', shapes, sid)
    end
    redis.call('ZREM', used, sid)
    redis.call('DEL', prefix .. 'idx:shape:' .. sid)
  end
end
return stored
`;

/**
 * Writes a batch of lineage events atomically per event, idempotently per event id.
 *
 * ARGV: prefix, maxlen, dedup ttl (s), cutoff (epoch ms, 0 = none), then per event:
 * id, time (epoch ms), json, principal, #products, products…, #fields, fields…
 *
 * For each event whose `seen:<id>` key is new (SET NX), XADD appends it to `<prefix>events`
 * (approximate MAXLEN) and ZADDs its stream id, scored by event time, to the product,
 * principal and field indexes (collected, then one ZADD per index key per batch). A script runs atomically, so a crash or timeout leaves an event
 * either fully written (and marked seen) or not at all: replaying the spool can never
 * duplicate one. Then the stream is trimmed to the age cutoff (MINID) and so is every index
 * the batch touched. Returns the number of events stored (the rest were duplicates).
 *
 * Keys are built in the script (not passed as KEYS): fine on a single Redis or a replica set,
 * not on Redis Cluster.
 */
export const WRITE_SCRIPT = `
local prefix, maxlen, ttl, cutoff = ARGV[1], ARGV[2], ARGV[3], tonumber(ARGV[4])
local stream = prefix .. 'events'
local index = {}
local function add(key, score, sid)
  local members = index[key]
  if not members then members = {}; index[key] = members end
  members[#members + 1] = score
  members[#members + 1] = sid
end
local stored = 0
local i = 5
while i <= #ARGV do
  local id, score, json, principal = ARGV[i], ARGV[i + 1], ARGV[i + 2], ARGV[i + 3]
  local np = tonumber(ARGV[i + 4])
  local nf = tonumber(ARGV[i + 5 + np])
  if redis.call('SET', prefix .. 'seen:' .. id, '1', 'NX', 'EX', ttl) then
    local sid = redis.call('XADD', stream, 'MAXLEN', '~', maxlen, '*', 'id', id, 'e', json)
    add(prefix .. 'idx:principal:' .. principal, score, sid)
    for p = 1, np do add(prefix .. 'idx:product:' .. ARGV[i + 4 + p], score, sid) end
    for f = 1, nf do add(prefix .. 'idx:field:' .. ARGV[i + 5 + np + f], score, sid) end
    stored = stored + 1
  end
  i = i + 6 + np + nf
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

import type { RedisClient } from '../redis/redis-client.js';
import { conditionKey, resolved, type Incident, type IncidentStore } from './incident-types.js';

/**
 * Opens an incident only if its condition has none open: SET NX of the condition's `open:` key,
 * then the incident's hash and the index, in one script, so two replicas evaluating the same
 * failure at once open one incident and both get it back.
 * KEYS: open key, incident hash, index. ARGV: id, JSON, detectedAt ms. Returns the open JSON and 1 if created.
 */
const OPEN_SCRIPT = `
if redis.call('SET', KEYS[1], ARGV[1], 'NX') then
  redis.call('HSET', KEYS[2], 'doc', ARGV[2])
  redis.call('ZADD', KEYS[3], ARGV[3], ARGV[1])
  return {ARGV[2], 1}
end
local id = redis.call('GET', KEYS[1])
return {redis.call('HGET', KEYS[4] .. id, 'doc') or false, 0}
`;

/** Resolves only while the condition's open key still names this incident (compare and delete). */
const RESOLVE_SCRIPT = `
if redis.call('GET', KEYS[1]) == ARGV[1] then
  redis.call('DEL', KEYS[1])
  redis.call('HSET', KEYS[2], 'doc', ARGV[2])
  return 1
end
return 0
`;

interface ScriptClient {
  meshgateIncidentOpen(n: number, ...args: (string | number)[]): Promise<[string | null, number]>;
  meshgateIncidentResolve(n: number, ...args: (string | number)[]): Promise<number>;
}

/**
 * Incidents shared by every replica: a hash per incident (field `doc`, its JSON), a sorted set
 * indexing them by detection time, and per open condition a key naming its incident. Every key
 * carries one hash tag, so the scripts work on a Redis Cluster too.
 */
export function redisIncidentStore(
  redis: RedisClient,
  prefix = 'meshgate:incidents:{incidents}:',
): IncidentStore {
  const client = redis as unknown as ScriptClient;
  if (typeof client.meshgateIncidentOpen !== 'function') {
    redis.defineCommand('meshgateIncidentOpen', { lua: OPEN_SCRIPT });
    redis.defineCommand('meshgateIncidentResolve', { lua: RESOLVE_SCRIPT });
  }
  const openKey = (key: string) => `${prefix}open:${key}`;
  const incidentKey = (id: string) => `${prefix}incident:${id}`;
  const index = `${prefix}index`;
  const get = async (id: string) => {
    const doc = await redis.hget(incidentKey(id), 'doc');
    return doc ? (JSON.parse(doc) as Incident) : null;
  };
  return {
    kind: 'redis',
    async open(incident) {
      const [doc, created] = await client.meshgateIncidentOpen(
        4,
        openKey(conditionKey(incident)),
        incidentKey(incident.id),
        index,
        `${prefix}incident:`,
        incident.id,
        JSON.stringify(incident),
        Date.parse(incident.detectedAt),
      );
      return { incident: doc ? (JSON.parse(doc) as Incident) : incident, created: created === 1 };
    },
    async openFor(condition) {
      const id = await redis.get(openKey(conditionKey(condition)));
      return id ? get(id) : null;
    },
    async resolve(condition, at) {
      const key = openKey(conditionKey(condition));
      const id = await redis.get(key);
      const current = id ? await get(id) : null;
      if (!id || !current) return null;
      const done = resolved(current, at);
      const ok = await client.meshgateIncidentResolve(2, key, incidentKey(id), id, JSON.stringify(done));
      return ok === 1 ? done : null;
    },
    async update(id, change) {
      const current = await get(id);
      if (!current) return null;
      const next = change(current);
      await redis.hset(incidentKey(id), 'doc', JSON.stringify(next));
      return next;
    },
    get,
    async list(options = {}) {
      const ids = await redis.zrevrange(index, 0, 999);
      const all = await Promise.all(ids.map(get));
      return all.filter((i): i is Incident => i !== null && (!options.open || i.state !== 'resolved'));
    },
    async close() {},
  };
}

import { conditionKey, resolved, type Incident, type IncidentStore } from './incident-types.js';

/** One process's incidents (no Redis): enough for a single replica; lost on restart. */
export function memoryIncidentStore(): IncidentStore {
  const byId = new Map<string, Incident>();
  const openIds = new Map<string, string>();
  return {
    kind: 'memory',
    async open(incident) {
      const key = conditionKey(incident);
      const existing = openIds.get(key);
      if (existing) return { incident: byId.get(existing)!, created: false };
      openIds.set(key, incident.id);
      byId.set(incident.id, incident);
      return { incident, created: true };
    },
    async openFor(condition) {
      const id = openIds.get(conditionKey(condition));
      return id ? (byId.get(id) ?? null) : null;
    },
    async resolve(condition, at) {
      const key = conditionKey(condition);
      const id = openIds.get(key);
      if (!id) return null;
      openIds.delete(key);
      const done = resolved(byId.get(id)!, at);
      byId.set(id, done);
      return done;
    },
    async update(id, change) {
      const current = byId.get(id);
      if (!current) return null;
      const next = change(current);
      byId.set(id, next);
      return next;
    },
    async get(id) {
      return byId.get(id) ?? null;
    },
    async list(options = {}) {
      return [...byId.values()]
        .filter((i) => !options.open || i.state !== 'resolved')
        .sort((a, b) => b.detectedAt.localeCompare(a.detectedAt));
    },
    async close() {},
  };
}

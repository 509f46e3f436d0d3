import type { ConsumerUsage } from './types.js';

/** The part of a lineage event usage needs, whichever form it was read from. */
export interface UsageEvent {
  /** Epoch ms. */
  readonly time: number;
  readonly principal: string;
  readonly client: string | null;
  /** `Type.field` coordinates the operation selected. */
  readonly coordinates: readonly string[];
}

/**
 * Consumers of `coordinates` since `since`: one row per principal and client. Every event
 * that selected a coordinate counts, also when policy denied or masked it — the operation
 * still names the field and breaks when it goes.
 */
export function consumersIn(
  events: Iterable<UsageEvent>,
  coordinates: readonly string[],
  since: number,
): ConsumerUsage[] {
  const wanted = new Set(coordinates);
  const rows = new Map<
    string,
    { principal: string; client: string | null; count: number; lastSeen: number; coordinates: Set<string> }
  >();
  for (const event of events) {
    if (event.time < since) continue;
    const hit = event.coordinates.filter((c) => wanted.has(c));
    if (hit.length === 0) continue;
    const key = JSON.stringify([event.principal, event.client]);
    const row = rows.get(key) ?? {
      principal: event.principal,
      client: event.client,
      count: 0,
      lastSeen: event.time,
      coordinates: new Set<string>(),
    };
    row.count++;
    row.lastSeen = Math.max(row.lastSeen, event.time);
    for (const c of hit) row.coordinates.add(c);
    rows.set(key, row);
  }
  return [...rows.values()]
    .map((row) => ({
      principal: row.principal,
      client: row.client,
      count: row.count,
      lastSeen: new Date(row.lastSeen).toISOString(),
      coordinates: [...row.coordinates].sort(),
    }))
    .sort(
      (a, b) =>
        b.count - a.count ||
        a.principal.localeCompare(b.principal) ||
        (a.client ?? '').localeCompare(b.client ?? ''),
    );
}

import type { Consumer, LineageEvent } from './types.js';

/**
 * Who consumes a data product: per principal, the product's fields it read, how many
 * operations, and when last. Rejected operations read nothing and are not counted.
 */
export function consumersOf(events: readonly LineageEvent[], product: string): Consumer[] {
  const rows = new Map<string, { fields: Set<string>; count: number; lastSeen: string }>();
  for (const event of events) {
    if (event.outcome === 'rejected' || !event.products.includes(product)) continue;
    const row = rows.get(event.principal.sub) ?? {
      fields: new Set<string>(),
      count: 0,
      lastSeen: event.time,
    };
    row.count++;
    if (event.time > row.lastSeen) row.lastSeen = event.time;
    for (const field of event.fields)
      if (field.product === product && field.decision.effect !== 'deny') row.fields.add(field.coordinate);
    rows.set(event.principal.sub, row);
  }
  return [...rows]
    .map(([principal, row]) => ({
      principal,
      fields: [...row.fields].sort(),
      count: row.count,
      lastSeen: row.lastSeen,
    }))
    .sort((a, b) => b.count - a.count || a.principal.localeCompare(b.principal));
}

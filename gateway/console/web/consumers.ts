import type { LineageEvent } from '../../lineage/types.js';

/** A product's consumer as the product page lists it: principal and client, fields, last seen. */
export interface ConsumerRow {
  readonly principal: string;
  readonly client: string | null;
  readonly fields: readonly string[];
  readonly count: number;
  readonly lastSeen: string;
}

/** Groups a product's lineage events by principal and client (the catalog groups by principal only). */
export function consumersByClient(events: readonly LineageEvent[], product: string): ConsumerRow[] {
  const rows = new Map<
    string,
    { principal: string; client: string | null; fields: Set<string>; count: number; lastSeen: string }
  >();
  for (const event of events) {
    const fields = event.fields.filter((f) => f.product === product).map((f) => f.coordinate);
    if (fields.length === 0) continue;
    const key = `${event.principal.sub}\0${event.client.name ?? ''}`;
    const row = rows.get(key) ?? {
      principal: event.principal.sub,
      client: event.client.name,
      fields: new Set(),
      count: 0,
      lastSeen: event.time,
    };
    for (const field of fields) row.fields.add(field);
    row.count += 1;
    if (event.time > row.lastSeen) row.lastSeen = event.time;
    rows.set(key, row);
  }
  return [...rows.values()]
    .map((r) => ({ ...r, fields: [...r.fields].sort() }))
    .sort((a, b) => b.count - a.count || a.principal.localeCompare(b.principal));
}

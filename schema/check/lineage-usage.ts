import type { LineageEvent, LineageStore } from '../../gateway/lineage/types.js';
import type { UsageSource } from './types.js';
import { consumersIn, type UsageEvent } from './usage-events.js';

/** The most events read per coordinate; a coordinate read more often than this is used anyway. */
const PER_COORDINATE = 100_000;

/**
 * Usage from the lineage store (gateway/lineage): its field index answers "who read
 * `Type.field` since T" without scanning the stream. The store is the caller's to open; this
 * adapter closes it.
 */
export function lineageUsage(store: LineageStore, description: string): UsageSource {
  return {
    description,
    async consumers(coordinates, since) {
      const seen = new Map<string, UsageEvent>();
      for (const field of coordinates) {
        for (const event of await store.query({ since, field, limit: PER_COORDINATE }))
          seen.set(event.id, fromLineageEvent(event));
      }
      return consumersIn(seen.values(), coordinates, since);
    },
    close: () => store.close(),
  };
}

export function fromLineageEvent(event: LineageEvent): UsageEvent {
  return {
    time: Date.parse(event.time),
    principal: event.principal.sub,
    client: event.client.name,
    coordinates: [...new Set(event.fields.map((f) => f.coordinate))],
  };
}

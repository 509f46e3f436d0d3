import { matches } from './filter.js';
import type { LineageEvent, LineageFilter, LineageStore, SerializedEvent, WriteResult } from './types.js';

export interface MemoryStoreOptions {
  /** The newest this many events are kept. Default 10,000. */
  maxEvents?: number;
}

/**
 * The embedded default store (no REDIS_URL): a bounded ring of the newest events, inside the
 * gateway process. It cannot fail, so it needs no spool; it does not survive a restart.
 */
export function memoryStore({ maxEvents = 10_000 }: MemoryStoreOptions = {}): LineageStore {
  const events: LineageEvent[] = [];
  const ids = new Set<string>();
  // Trimmed a quarter of maxEvents at a time: shifting the whole array on every write would
  // cost as much as the array is long. Reads see the newest maxEvents only.
  const slack = Math.max(1, Math.ceil(maxEvents / 4));
  return {
    kind: 'memory',
    durable: false,
    write(batch: readonly SerializedEvent[]): Promise<WriteResult> {
      let stored = 0;
      for (const { event } of batch) {
        if (ids.has(event.id)) continue;
        ids.add(event.id);
        events.push(event);
        stored++;
      }
      if (events.length > maxEvents + slack)
        for (const dropped of events.splice(0, events.length - maxEvents)) ids.delete(dropped.id);
      return Promise.resolve({ stored, duplicates: batch.length - stored });
    },
    query(filter: LineageFilter): Promise<LineageEvent[]> {
      const found: LineageEvent[] = [];
      const oldest = Math.max(0, events.length - maxEvents);
      for (let i = events.length - 1; i >= oldest && found.length < filter.limit; i--) {
        const event = events[i]!;
        if (matches(event, filter)) found.push(event);
      }
      return Promise.resolve(found.reverse());
    },
    close: () => Promise.resolve(),
  };
}

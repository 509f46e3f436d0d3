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
      if (events.length > maxEvents)
        for (const dropped of events.splice(0, events.length - maxEvents)) ids.delete(dropped.id);
      return Promise.resolve({ stored, duplicates: batch.length - stored });
    },
    query(filter: LineageFilter): Promise<LineageEvent[]> {
      const found: LineageEvent[] = [];
      for (let i = events.length - 1; i >= 0 && found.length < filter.limit; i--) {
        const event = events[i]!;
        if (matches(event, filter)) found.push(event);
      }
      return Promise.resolve(found.reverse());
    },
    close: () => Promise.resolve(),
  };
}

import { describe, expect, it } from 'vitest';
import { sampleEvent } from '../../test/support/lineage-event.js';
import { memoryStore } from './memory-store.js';
import { serialize } from './wire.js';

const event = (requestId: string) => serialize(sampleEvent({ requestId }));

describe('memoryStore', () => {
  it('keeps the newest maxEvents, one event per write as the recorder sends them', async () => {
    const store = memoryStore({ maxEvents: 4 });
    const written = Array.from({ length: 11 }, (_, i) => event(`r${i}`));
    for (const e of written) expect(await store.write([e])).toEqual({ stored: 1, duplicates: 0 });
    const found = await store.query({ since: 0, limit: 100 });
    expect(found.map((e) => e.requestId)).toEqual(['r7', 'r8', 'r9', 'r10']);
    // The newest events are still known: writing one again stores nothing.
    expect(await store.write([written[10]!])).toEqual({ stored: 0, duplicates: 1 });
    expect((await store.query({ since: 0, limit: 2 })).map((e) => e.requestId)).toEqual(['r9', 'r10']);
  });
});

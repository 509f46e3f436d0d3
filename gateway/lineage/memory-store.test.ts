import { describe, expect, it } from 'vitest';
import { ANONYMOUS } from '../context.js';
import { lineageEvent } from './event.js';
import { memoryStore } from './memory-store.js';
import { serialize } from './wire.js';

const event = (requestId: string) =>
  serialize(
    lineageEvent({
      context: {
        requestId,
        startedAt: process.hrtime.bigint(),
        client: { name: undefined, version: undefined },
        principal: ANONYMOUS,
        decisions: [],
        fetches: [],
      },
      operation: { name: 'Q', type: 'query', hash: 'h' },
      reads: [],
      response: { executed: true, dataIsNull: false, errorCodes: [], httpStatus: 200 },
    }),
  );

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

import { describe, expect, it } from 'vitest';
import { ErrorCode } from '../../gateway/common/errors.js';
import { decodeCursor, encodeCursor, parsePage, toConnection } from './connection.js';

describe('cursor connections', () => {
  it('round-trips a key through an opaque cursor', () => {
    expect(encodeCursor(200)).toBe('azoyMDA');
    expect(decodeCursor(encodeCursor('SKU-0042'))).toBe('SKU-0042');
  });

  it('refuses a cursor it did not issue, with BAD_USER_INPUT naming the argument', () => {
    expect(() => decodeCursor('bm9wZQ')).toThrowError(
      expect.objectContaining({ extensions: { code: ErrorCode.BAD_USER_INPUT, argument: 'after' } }),
    );
    expect(() => decodeCursor('')).toThrow(/not a cursor this API issued/);
  });

  it('defaults to 20 and bounds the page size to 0..100', () => {
    expect(parsePage({})).toEqual({ limit: 20, afterKey: null });
    expect(parsePage({ first: 0, after: encodeCursor(7) })).toEqual({ limit: 0, afterKey: '7' });
    for (const first of [-1, 101, 2.5]) {
      expect(() => parsePage({ first })).toThrowError(
        expect.objectContaining({ extensions: { code: ErrorCode.BAD_USER_INPUT, argument: 'first' } }),
      );
    }
  });

  it('uses the extra row only to say a next page exists', async () => {
    const page = { limit: 2, afterKey: null };
    const more = toConnection(
      [{ id: 1 }, { id: 2 }, { id: 3 }],
      page,
      (r) => r.id,
      async () => 10,
    );
    expect(more.edges.map((e) => e.node.id)).toEqual([1, 2]);
    expect(more.pageInfo).toEqual({ hasNextPage: true, endCursor: encodeCursor(2) });
    expect(await more.totalCount()).toBe(10);
    const last = toConnection(
      [{ id: 9 }],
      page,
      (r) => r.id,
      async () => 1,
    );
    expect(last.pageInfo).toEqual({ hasNextPage: false, endCursor: encodeCursor(9) });
    expect(
      toConnection(
        [],
        page,
        (r: { id: number }) => r.id,
        async () => 0,
      ).pageInfo,
    ).toEqual({ hasNextPage: false, endCursor: null });
  });
});

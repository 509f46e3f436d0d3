import { describe, expect, it } from 'vitest';
import { concretePaths, incrementalEntries } from './delivery.js';

describe('concretePaths', () => {
  it('gives one path per list element and none through null', () => {
    const data = { orders: [{ customer: { id: '1' } }, { customer: null }, { customer: { id: '3' } }] };
    expect(concretePaths(data, ['orders', 'customer'])).toEqual([
      ['orders', 0, 'customer'],
      ['orders', 2, 'customer'],
    ]);
    expect(concretePaths({ order: { id: '1' } }, ['order'])).toEqual([['order']]);
    expect(concretePaths({ order: null }, ['order'])).toEqual([]);
    expect(concretePaths({ a: 1 }, [])).toEqual([[]]);
  });
});

describe('incrementalEntries', () => {
  const part = { label: 'money', path: ['orders'], keys: ['payments'], query: '' };
  it("carries the fragment's keys at each path, and only this part's errors in their entry", () => {
    const shared = { message: 'shared', path: ['orders', 0, 'id'] };
    const denied = {
      message: 'denied',
      path: ['orders', 1, 'payments'],
      extensions: { code: 'UNAUTHORIZED_FIELD_OR_TYPE' },
    };
    const result = {
      data: {
        orders: [
          { id: null, payments: [{ method: 'CARD' }] },
          { id: '2', payments: null },
        ],
      },
      errors: [shared, denied],
    };
    expect(
      incrementalEntries(part, result, { data: { orders: [{ id: null }, { id: '2' }] }, errors: [shared] }),
    ).toEqual([
      { path: ['orders', 0], data: { payments: [{ method: 'CARD' }] }, label: 'money' },
      { path: ['orders', 1], data: { payments: null }, label: 'money', errors: [denied] },
    ]);
  });

  it('delivers a failed part as its errors at the fragment path', () => {
    const errors = [{ message: 'boom', extensions: { code: 'INTERNAL_SERVER_ERROR' } }];
    expect(incrementalEntries(part, { errors }, { data: {} })).toEqual([
      { path: ['orders'], data: null, label: 'money', errors },
    ]);
  });
});

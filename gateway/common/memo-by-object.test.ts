import { describe, expect, it } from 'vitest';
import { memoByObject } from './memo-by-object.js';

describe('memoByObject', () => {
  it('computes once per object, with the arguments of the first call', () => {
    let calls = 0;
    const label = memoByObject((o: { n: number }, prefix: string) => (calls++, `${prefix}${o.n}`));
    const one = { n: 1 };
    expect(label(one, 'a')).toBe('a1');
    expect(label(one, 'b')).toBe('a1');
    expect(label({ n: 1 }, 'b')).toBe('b1');
    expect(calls).toBe(2);
  });
});

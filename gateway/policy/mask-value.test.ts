import { describe, expect, it } from 'vitest';
import { createMasker } from './mask-value.js';

describe('mask strategies', () => {
  const mask = createMasker(Buffer.from('unit-test-key'));

  it('transform strings literally', () => {
    expect(mask('jane.doe@example.com', 'null')).toBeNull();
    expect(mask('jane.doe@example.com', 'redact')).toBe('[REDACTED]');
    expect(mask('jane.doe@example.com', 'email')).toBe('j***@example.com');
    expect(mask('not-an-email', 'email')).toBe('***');
    expect(mask('4242424242424242', 'last4')).toBe('****4242');
    expect(mask('3954', 'last4')).toBe('****3954');
    expect(mask('1976-06-12', 'year')).toBe('1976');
    expect(mask('2024-01-31T10:00:00Z', 'year')).toBe('2024');
    expect(mask('June 1976', 'year')).toBeNull();
  });

  it('hash is a keyed HMAC: stable for a key, different for another, never the value', () => {
    const a = mask('jane.doe@example.com', 'hash');
    expect(a).toMatch(/^h:[0-9a-f]{16}$/);
    expect(mask('jane.doe@example.com', 'hash')).toBe(a);
    expect(createMasker(Buffer.from('another-key'))('jane.doe@example.com', 'hash')).not.toBe(a);
    expect(mask('john.doe@example.com', 'hash')).not.toBe(a);
  });

  it('masks lists element-wise and objects leaf by leaf; non-strings become null', () => {
    expect(mask(['a@x.org', null, 'b@y.org'], 'email')).toEqual(['a***@x.org', null, 'b***@y.org']);
    expect(mask({ __typename: 'Address', street: '1 Main St', number: 12 }, 'redact')).toEqual({
      __typename: 'Address',
      street: '[REDACTED]',
      number: null,
    });
    expect(mask(42, 'hash')).toBeNull();
    expect(mask(null, 'redact')).toBeNull();
  });
});

import { describe, expect, it } from 'vitest';
import type { PolicyRule } from '../../gateway/policy/types.js';
import { loosenings } from './access-requirements.js';
import { policyLoosenings } from './policy-changes.js';

const rule = (id: string, over: Partial<PolicyRule> = {}): PolicyRule => ({
  id,
  description: id,
  file: 'customers.yaml',
  fields: ['Customer.phone'],
  classifications: [],
  when: "'analyst' in principal.roles",
  effect: 'deny',
  strategy: undefined,
  ...over,
});

describe('loosenings of authorization directives', () => {
  const base = { authenticated: true, scopes: [['read:customers', 'read:pii']], policies: null };

  it('flags removed and loosened requirements', () => {
    expect(loosenings(base, undefined)).toEqual(['@authenticated removed', '@requiresScopes removed']);
    expect(loosenings(base, { authenticated: true, scopes: [['read:customers']], policies: null })).toEqual([
      '@requiresScopes loosened from [read:customers AND read:pii] to [read:customers]',
    ]);
    expect(
      loosenings(base, {
        authenticated: true,
        scopes: [['read:customers', 'read:pii'], ['admin']],
        policies: null,
      }),
    ).toHaveLength(1);
  });

  it('accepts the same or stricter requirements', () => {
    expect(loosenings(base, base)).toEqual([]);
    expect(
      loosenings(base, {
        authenticated: true,
        scopes: [['read:customers', 'read:pii', 'audit']],
        policies: [['support-purpose']],
      }),
    ).toEqual([]);
  });
});

describe('policyLoosenings', () => {
  it('flags a relaxed effect, a removed deny rule, narrowed targets and a new allow rule', () => {
    const base = [
      rule('analyst-no-phone'),
      rule('no-birth', { fields: ['Customer.birthDate', 'Customer.email'] }),
      rule('gone'),
    ];
    const proposed = [
      rule('analyst-no-phone', { effect: 'mask', strategy: 'redact' }),
      rule('no-birth', { fields: ['Customer.birthDate'] }),
      rule('everyone-phone', { effect: 'allow', when: undefined }),
    ];
    expect(policyLoosenings(base, proposed).map((l) => [l.rule.id, l.reason])).toEqual([
      ['analyst-no-phone', 'effect relaxed from deny to mask (redact)'],
      ['no-birth', 'no longer covers Customer.email'],
      ['gone', 'deny rule removed (it covered Customer.phone)'],
      ['everyone-phone', 'new allow rule for Customer.phone'],
    ]);
  });

  it('finds nothing when the rules are unchanged or stricter', () => {
    const rules = [rule('a', { effect: 'mask', strategy: 'hash' }), rule('b', { effect: 'allow' })];
    expect(policyLoosenings(rules, rules)).toEqual([]);
    expect(policyLoosenings([rule('a', { effect: 'mask', strategy: 'hash' })], [rule('a')])).toEqual([]);
  });
});

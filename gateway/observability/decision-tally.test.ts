import { describe, expect, it } from 'vitest';
import type { FieldDecision } from '../common/types.js';
import { decisionTally } from './decision-tally.js';

describe('decisionTally', () => {
  const decisions: readonly FieldDecision[] = [
    { coordinate: 'Order.id', effect: 'allow', rule: null },
    { coordinate: 'Order.status', effect: 'allow', rule: null },
    { coordinate: 'Customer.email', effect: 'mask', strategy: 'email', rule: 'pii-mask' },
    { coordinate: 'Customer.phone', effect: 'mask', strategy: 'redact', rule: 'pii-mask' },
    { coordinate: 'Payment.card', effect: 'deny', rule: 'pci' },
    { coordinate: 'Order.total', effect: 'allow', rule: 'finance-read' },
  ];

  it('counts decisions per (effect, rule), a rule-less allow as "default"', () => {
    const tally = decisionTally();
    expect(tally(decisions)).toEqual([
      { labels: { effect: 'allow', rule: 'default' }, count: 2 },
      { labels: { effect: 'mask', rule: 'pii-mask' }, count: 2 },
      { labels: { effect: 'deny', rule: 'pci' }, count: 1 },
      { labels: { effect: 'allow', rule: 'finance-read' }, count: 1 },
    ]);
  });

  it('tallies a shared decisions array once, and an empty one to nothing', () => {
    const tally = decisionTally();
    const first = tally(decisions);
    expect(tally(decisions)).toBe(first);
    // A different array with the same content is tallied on its own.
    expect(tally([...decisions])).not.toBe(first);
    expect(tally([])).toEqual([]);
  });
});

import { describe, expect, it } from 'vitest';
import type { CatalogEntry } from '../../catalog/types.js';
import { matchesSearch } from './catalog-search.js';

const payments = {
  name: 'payments',
  descriptor: {
    domain: 'Finance',
    owner: { team: 'finance-data', email: 'finance-data@example.com' },
    description: 'Payments',
    version: '1.0.0',
    status: 'active',
    slo: { freshness: '15m', availability: 99.9 },
    tags: ['finance', 'pci'],
  },
  url: 'http://127.0.0.1:4004/graphql',
  health: { status: 'up', latencyMs: 2 },
  dataHealth: null,
  types: [
    {
      name: 'Payment',
      description: null,
      fields: [
        { name: 'cardLast4', type: 'String', description: null, classification: ['pci'], policies: [] },
      ],
    },
  ],
  consumers: null,
} as const satisfies CatalogEntry;

describe('the catalog search box', () => {
  it('matches name, domain, owner, tag and field, case-insensitively', () => {
    for (const search of ['pay', 'FINANCE', 'finance-data@', 'pci', 'cardlast4', 'Payment.cardLast4', ''])
      expect(matchesSearch(payments, search), search).toBe(true);
    expect(matchesSearch(payments, 'shipping')).toBe(false);
  });

  it('restricts a word to one facet with a prefix, and needs every word', () => {
    expect(matchesSearch(payments, 'domain:finance')).toBe(true);
    expect(matchesSearch(payments, 'domain:pci')).toBe(false);
    expect(matchesSearch(payments, 'tag:pci field:cardLast4')).toBe(true);
    expect(matchesSearch(payments, 'tag:pci owner:logistics')).toBe(false);
  });
});

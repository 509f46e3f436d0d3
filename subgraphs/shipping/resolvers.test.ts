import { describe, expect, it } from 'vitest';
import { cheapestQuote } from './resolvers.js';

const rate = (carrier: string, base: number, perKg: number, days: number) => ({
  country: 'DE',
  carrier,
  base_cents: base,
  per_kg_cents: perKg,
  days,
});

describe('shipping estimate', () => {
  it('charges the base plus each started kilogram and picks the cheapest, then the fastest', () => {
    const rates = [rate('UPS', 600, 80, 1), rate('DHL', 450, 100, 2), rate('GLS', 450, 100, 1)];
    // 2.1 kg starts 3 kilograms: DHL and GLS cost 450 + 300; GLS is faster.
    expect(cheapestQuote(rates, 2100)).toEqual({ carrier: 'GLS', days: 1, costCents: 750 });
    expect(cheapestQuote(rates, 1000)).toEqual({ carrier: 'GLS', days: 1, costCents: 550 });
  });

  it('has no estimate for a country no carrier serves', () => {
    expect(cheapestQuote([], 500)).toBeNull();
  });
});

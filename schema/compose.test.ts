import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { dataProducts } from '../subgraphs/index.js';
import { composeSupergraph, type SubgraphSource } from './compose.js';

const sources: SubgraphSource[] = dataProducts.map((p) => ({
  name: p.name,
  url: `http://localhost:${p.defaultPort}/graphql`,
  sdl: p.sdl,
}));

describe('meshgate compose', () => {
  it('composes the five data products without errors or hints', () => {
    const result = composeSupergraph(sources);
    expect(result.ok && result.hints).toEqual([]);
  });

  it('is deterministic and the committed supergraph is what it gives', () => {
    const first = composeSupergraph(sources);
    const shuffled = composeSupergraph([...sources].reverse());
    expect(first.ok && shuffled.ok).toBe(true);
    if (!first.ok || !shuffled.ok) return;
    expect(shuffled.supergraphSdl).toBe(first.supergraphSdl);
    expect(readFileSync(new URL('./supergraph.graphql', import.meta.url), 'utf8')).toBe(first.supergraphSdl);
  });

  it('names the subgraphs of a composition conflict', () => {
    const conflicting = sources.map((s) =>
      s.name === 'payments' ? { ...s, sdl: s.sdl.replace('  amount: Float!\n', '  amount: Int!\n') } : s,
    );
    const result = composeSupergraph(conflicting);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.errors).toEqual([
      expect.objectContaining({
        code: 'FIELD_TYPE_MISMATCH',
        subgraphs: expect.arrayContaining(['payments', 'catalog']),
      }),
    ]);
  });

  it('names the subgraph whose SDL does not parse', () => {
    const result = composeSupergraph([
      ...sources.slice(0, 4),
      { name: 'shipping', url: 'http://x', sdl: 'type Query {' },
    ]);
    expect(result).toEqual({
      ok: false,
      errors: [expect.objectContaining({ code: 'INVALID_GRAPHQL', subgraphs: ['shipping'] })],
    });
  });
});

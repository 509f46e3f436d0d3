import { describe, expect, it } from 'vitest';
import { CacheCounters } from './cache-stats.js';
import { L1Cache } from './l1-cache.js';

const meta = {
  subgraph: 'catalog',
  typename: 'Product',
  representation: { __typename: 'Product', sku: 's' },
};

describe('the L1 cache', () => {
  it('stays within its byte bound, evicting the least recently used and counting evictions', () => {
    const counters = new CacheCounters();
    const l1 = new L1Cache(1_000, counters);
    const text = 'x'.repeat(291); // 291 bytes + a 9-byte key: 300 a piece
    for (let i = 0; i < 3; i++) l1.set(`key-${String(i).padStart(5, '0')}`, { text, fetchedAt: 0, meta });
    expect(l1.bytes).toBe(900);
    l1.get('key-00000'); // recently used: key-00001 is now the oldest
    l1.set('key-00003', { text, fetchedAt: 0, meta });
    expect(l1.bytes).toBe(900);
    expect(l1.get('key-00001')).toBeUndefined();
    expect(l1.get('key-00000')?.text).toBe(text);
    expect(counters.of('catalog')).toMatchObject({ evictions: 1, entries: 3, bytes: 900 });
    // Multi-byte text weighs its UTF-8 bytes.
    l1.set('key-00004', { text: `${'é'.repeat(145)}x`, fetchedAt: 0, meta });
    expect(counters.of('catalog')).toMatchObject({ evictions: 2, entries: 3, bytes: 900 });
  });

  it('refuses an entry larger than the whole cache, and keeps the rest', () => {
    const counters = new CacheCounters();
    const l1 = new L1Cache(100, counters);
    l1.set('small', { text: 'ok', fetchedAt: 0, meta });
    l1.set('huge', { text: 'x'.repeat(200), fetchedAt: 0, meta });
    expect(l1.get('huge')).toBeUndefined();
    expect(l1.get('small')?.text).toBe('ok');
    expect(counters.of('catalog')).toMatchObject({ entries: 1, bytes: 7, evictions: 0 });
  });
});

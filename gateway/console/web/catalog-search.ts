import type { CatalogEntry } from '../../catalog/types.js';

/**
 * Whether a catalog entry matches the search box: every word must match the product's name,
 * domain, owner (team or email), a tag, or a field (`Type.field` or its name). `domain:sales`,
 * `owner:`, `tag:`, `field:` restrict a word to one of them.
 */
export function matchesSearch(entry: CatalogEntry, search: string): boolean {
  const words = search.toLowerCase().split(/\s+/).filter(Boolean);
  if (words.length === 0) return true;
  const d = entry.descriptor;
  const facets: Record<string, string[]> = {
    name: [entry.name],
    domain: d ? [d.domain] : [],
    owner: d ? [d.owner.team, d.owner.email] : [],
    tag: d ? [...d.tags] : [],
    field: entry.types.flatMap((t) => t.fields.flatMap((f) => [`${t.name}.${f.name}`, f.name])),
  };
  return words.every((word) => {
    const colon = word.indexOf(':');
    const facet = colon > 0 ? word.slice(0, colon) : null;
    const text = colon > 0 ? word.slice(colon + 1) : word;
    const values = facet && facet in facets ? facets[facet]! : Object.values(facets).flat();
    return values.some((value) => value.toLowerCase().includes(text));
  });
}

import { describe, expect, it } from 'vitest';
import { safelistOf, sha256 } from '../persisted/safelist.js';
import { publishedOperations } from './operation-tools.js';

const manifest = (...bodies: string[]) =>
  safelistOf(
    'manifest.json',
    bodies.map((body, i) => ({ id: sha256(body), name: `op${i}`, type: 'query' as const, body })),
  );

describe('publishedOperations', () => {
  it("takes each named query with its leading comment as the tool's description", () => {
    const warnings: string[] = [];
    const operations = publishedOperations(
      manifest(
        '# Orders of one customer.\n#   Newest first.\nquery CustomerOrders($id: ID!) { customer(id: $id) { id } }',
        'query Plain { customers { totalCount } }',
        '{ customers { totalCount } }',
        'mutation Rename { rename }',
        'query search_data_products { x }',
      ),
      new Set(['search_data_products']),
      { warn: (_fields: unknown, message?: string) => void warnings.push(String(message)) },
    );
    expect(operations.map((o) => [o.name, o.description])).toEqual([
      ['CustomerOrders', 'Orders of one customer.\nNewest first.'],
      ['Plain', 'Runs the published operation Plain.'],
    ]);
    expect(warnings).toEqual([
      'MCP: no tool for this operation: it has no name',
      'MCP: no tool for this operation: it is a mutation; tools read',
      'MCP: no tool for this operation: the name is taken',
    ]);
  });

  it('gives no tools without a manifest', () => {
    expect(publishedOperations(null, new Set(), { warn: () => undefined })).toEqual([]);
  });
});

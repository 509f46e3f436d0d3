import { describe, expect, it } from 'vitest';
import { dataProducts } from '../../subgraphs/index.js';
import { readSupergraphFile } from '../supergraph/read-supergraph-file.js';
import { indexSupergraphSdl } from './offline-engine.js';

/**
 * Domains classify fields twice — in the SDL (`@tag(name: "pii")`, what the gateway enforces)
 * and in the descriptor (`product.yaml`, what the catalogue shows): the two must agree, and
 * the committed supergraph must carry every classification.
 */
describe('classification', () => {
  it("each data product's SDL tags agree with its descriptor", () => {
    for (const product of dataProducts) {
      const tagged: Record<string, string> = {};
      let type = '';
      for (const line of product.sdl.split('\n')) {
        type = /^(?:type|extend type|interface)\s+(\w+)/.exec(line)?.[1] ?? type;
        const field = /^\s+(\w+)(?:\([^)]*\))?\s*:.*@tag\(name:\s*"(pii|pci|confidential)"\)/.exec(line);
        if (field) tagged[`${type}.${field[1]}`] = field[2]!;
      }
      expect(tagged, product.name).toEqual(product.descriptor.classification);
    }
  });

  it('reaches the supergraph', async () => {
    const index = await indexSupergraphSdl(readSupergraphFile('schema/supergraph.graphql'));
    const expected = Object.assign({}, ...dataProducts.map((p) => p.descriptor.classification)) as Record<
      string,
      string
    >;
    expect(
      Object.fromEntries(
        [...index.classification].map(([coordinate, classes]) => [coordinate, classes.join(',')]),
      ),
    ).toEqual(expected);
  });
});

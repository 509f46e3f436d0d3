import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { ErrorCode } from '../../gateway/common/errors.js';
import { readGovernanceConfig } from '../check/index.js';
import { sdlObjects } from '../contract/sdl-objects.js';
import { scaffoldStandaloneProduct, type StandaloneOptions } from './standalone-product.js';

const root = mkdtempSync(join(tmpdir(), 'meshgate-standalone-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const options = (dir: string): StandaloneOptions => ({
  dir,
  name: 'farm',
  domain: 'Farming',
  team: 'farm-team',
  entity: 'Crop',
  personalData: readGovernanceConfig(new URL('../governance.yaml', import.meta.url).pathname).personalData,
  versions: {
    '@apollo/server': '^5.5.1',
    '@apollo/subgraph': '^2.14.4',
    graphql: '^16.15.0',
    jose: '^6.2.19',
  },
});

describe('meshgate product new, outside a meshgate checkout', () => {
  it('writes a self-contained product: its own package, server, data, tests and drafted contract', () => {
    const dir = join(root, 'farm');
    const { files } = scaffoldStandaloneProduct(options(dir));
    expect(files).toEqual([
      'package.json',
      'schema.graphql',
      'server.mjs',
      'data.json',
      'server.test.mjs',
      'contract.odcs.yaml',
      'README.md',
    ]);
    const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as {
      dependencies: Record<string, string>;
      scripts: Record<string, string>;
    };
    expect(pkg.dependencies).toEqual(options(dir).versions);
    expect(pkg.scripts).toEqual({ start: 'node server.mjs', test: 'node --test' });
    // Nothing of meshgate is imported: the product runs from its own node_modules.
    expect(readFileSync(join(dir, 'server.mjs'), 'utf8')).not.toMatch(/from '(\.|meshgate)/);
    const sdl = readFileSync(join(dir, 'schema.graphql'), 'utf8');
    expect(sdlObjects(sdl).map((o) => [o.name, o.properties.map((p) => p.name)])).toEqual([
      ['Crop', ['id', 'name', 'updatedAt']],
    ]);
    const contract = parse(readFileSync(join(dir, 'contract.odcs.yaml'), 'utf8')) as {
      name: string;
      team: { name: string };
      schema: { name: string }[];
    };
    expect([contract.name, contract.team.name, contract.schema.map((o) => o.name)]).toEqual([
      'farm',
      'farm-team',
      ['Crop'],
    ]);
  });

  it('refuses a directory that holds something, and a bad name, with BAD_USER_INPUT', () => {
    const taken = join(root, 'taken');
    mkdirSync(taken);
    writeFileSync(join(taken, 'keep.txt'), 'mine');
    expect(() => scaffoldStandaloneProduct(options(taken))).toThrow(
      expect.objectContaining({ code: ErrorCode.BAD_USER_INPUT }),
    );
    expect(readFileSync(join(taken, 'keep.txt'), 'utf8')).toBe('mine');
    expect(() => scaffoldStandaloneProduct({ ...options(join(root, 'x')), name: 'Farm!' })).toThrow(
      /lower-case letters and digits/,
    );
  });
});

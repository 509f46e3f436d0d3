import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { runCheck } from '../schema/check/index.js';
import { composeSupergraph } from '../schema/compose.js';
import { directoryRegistry } from '../schema/registry/directory-registry.js';
import { publishSubgraph } from '../schema/registry/publish.js';
import { scaffoldProduct } from '../schema/scaffold/scaffold-product.js';
import type { DataProduct } from '../subgraphs/kit/data-product.js';
import { descriptorFromContract } from '../gateway/protocol/index.js';
import { contractProblems, odcsProblems } from '../schema/contract/index.js';
import { parse } from 'yaml';

/**
 * The scaffold → test → compose → check → publish round trip, in a scratch copy of the
 * repository's layout (subgraphs copied; gateway, schema, policies and node_modules linked),
 * so the real tree is never touched.
 */
const REPO = fileURLToPath(new URL('../', import.meta.url));
const root = mkdtempSync(join(tmpdir(), 'meshgate-scaffold-'));
cpSync(join(REPO, 'subgraphs'), join(root, 'subgraphs'), {
  recursive: true,
  filter: (src) => !src.endsWith('.test.ts'),
});
for (const entry of [
  'gateway',
  'schema',
  'policies',
  'node_modules',
  'package.json',
  'tsconfig.json',
  'vitest.config.ts',
  // The unit project's global setup (test/support/build-setup.ts) lives here.
  'test',
]) {
  symlinkSync(join(REPO, entry), join(root, entry));
}
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('meshgate product new', () => {
  const { files } = scaffoldProduct({ root, name: 'loyalty', domain: 'Loyalty', team: 'loyalty-team' });

  it('writes a complete data product and registers it', () => {
    expect(files.map((f) => f.replace('subgraphs/loyalty/', ''))).toEqual([
      'schema.graphql',
      'schema.sql',
      'seed.sql',
      'data.ts',
      'resolvers.ts',
      'index.ts',
      'contract.odcs.yaml',
      'loyalty.test.ts',
    ]);
    const registry = readFileSync(join(root, 'subgraphs', 'index.ts'), 'utf8');
    expect(registry).toContain("import { loyalty } from './loyalty/index.js';");
    expect(registry).toMatch(/\[customers, catalog, orders, payments, shipping, loyalty\]/);
    expect(readFileSync(join(root, 'subgraphs', 'loyalty', 'index.ts'), 'utf8')).toContain(
      'defaultPort: 4006',
    );
  });

  it('writes a data contract that the official ODCS schema accepts and that agrees with its SDL', () => {
    const text = readFileSync(join(root, 'subgraphs', 'loyalty', 'contract.odcs.yaml'), 'utf8');
    const contract = parse(text) as unknown;
    expect(odcsProblems(contract)).toEqual([]);
    const sdl = readFileSync(join(root, 'subgraphs', 'loyalty', 'schema.graphql'), 'utf8');
    expect(contractProblems(contract, sdl)).toEqual([]);
    const reading = descriptorFromContract(contract);
    expect(reading.ok && reading.descriptor).toMatchObject({
      name: 'loyalty',
      domain: 'Loyalty',
      owner: { team: 'loyalty-team', email: 'loyalty-team@example.com' },
      status: 'draft',
      roles: [{ role: 'loyalty-reader', access: 'read', firstLevelApprovers: ['loyalty-team-lead'] }],
      sla: {
        availabilityPercent: 99,
        latencyP95Ms: 500,
        errorRatePercent: 1,
        freshness: { element: 'loyalty_items.updated_at', maxLagSeconds: 86_400 },
      },
    });
    expect(reading.ok && reading.descriptor.quality.map((r) => r.id)).toEqual([
      'loyalty-not-empty',
      'loyalty-id-unique',
      'loyalty-name-present',
    ]);
  });

  it('refuses a name that exists or is not a valid schema name', () => {
    expect(() => scaffoldProduct({ root, name: 'loyalty', domain: 'Loyalty', team: 'loyalty-team' })).toThrow(
      /exists already/,
    );
    expect(() =>
      scaffoldProduct({ root, name: 'Loyalty-Points', domain: 'Loyalty', team: 'loyalty-team' }),
    ).toThrow(/lower-case/);
  });

  it('passes its own generated tests', () => {
    const run = spawnSync(
      process.execPath,
      [join(root, 'node_modules', 'vitest', 'vitest.mjs'), 'run', '--project', 'unit', 'subgraphs/loyalty'],
      {
        cwd: root,
        encoding: 'utf8',
        // dist/ is this suite's, compiled already: the copy's run must not compile it again under
        // the other files' feet.
        env: { ...process.env, CI: 'true', MESHGATE_DIST_COMPILED: '1' },
      },
    );
    expect(run.stdout + run.stderr).toMatch(/2 passed/);
    expect(run.status).toBe(0);
  });

  it('composes, passes meshgate check, and publishes as it is', async () => {
    const { dataProducts } = (await import(join(root, 'subgraphs', 'index.ts'))) as {
      dataProducts: readonly DataProduct[];
    };
    expect(dataProducts.map((p) => p.name)).toEqual([
      'customers',
      'catalog',
      'orders',
      'payments',
      'shipping',
      'loyalty',
    ]);
    const sources = dataProducts.map((p) => ({
      name: p.name,
      url: `http://localhost:${p.defaultPort}/graphql`,
      sdl: p.sdl,
    }));
    const composed = composeSupergraph(sources);
    expect(composed.ok && composed.hints).toEqual([]);

    const report = await runCheck({
      root,
      governanceFile: join(root, 'schema', 'governance.yaml'),
      base: {},
      policyDir: join(root, 'policies'),
      usage: null,
    });
    expect(report.summary.errors).toBe(0);
    expect(report.findings.filter((f) => f.severity === 'warning')).toEqual([]);

    const registry = directoryRegistry(join(root, 'registry'), 1_000);
    for (const product of dataProducts) {
      const outcome = await publishSubgraph(registry, {
        name: product.name,
        url: `http://localhost:${product.defaultPort}/graphql`,
        sdl: product.sdl,
        descriptor: product.descriptor,
        publishedBy: 'loyalty-team',
      });
      expect(outcome.published).toBe(true);
    }
    const { supergraph } = await registry.state();
    expect(supergraph?.version).toBe(6);
    expect(supergraph?.sdl).toContain('type LoyaltyItem');
    expect(existsSync(join(REPO, 'subgraphs', 'loyalty'))).toBe(false);
  });
});

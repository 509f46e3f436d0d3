import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';
import { parse, stringify } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../gateway/common/logger.js';
import { startGateway, type RunningGateway } from '../gateway/server.js';
import { startRegistryServer, type RunningRegistry } from '../schema/registry/service/serve-registry.js';
import { startApolloProduct, USERS_SDL, type RunningApolloProduct } from './support/apollo-product.js';
import { runInDirectory } from './support/cli.js';
import { reviewed } from './support/contract-review.js';
import { graphql, TEST_DATABASE_URL, testConfig } from './support/mesh.js';
import { freePort, PrivateRedis } from './support/redis-server.js';
import { registryTestEnv } from './support/registry-env.js';
import { startScaffoldedProduct, type RunningScaffoldedProduct } from './support/scaffolded-product.js';
import { startYogaProduct, ZOO_NOT_EMPTY, ZOO_SDL, type RunningYogaProduct } from './support/yoga-product.js';

/**
 * Issue 27, "Your own mesh", end to end with no reference product in it. Three domain teams,
 * each in its own directory outside this repository, run the `meshgate` CLI installed from the
 * packed tarball (compiled JavaScript, no TypeScript loader):
 * - users: a plain @apollo/subgraph on Apollo Server, without the kit;
 * - zoo: a GraphQL Yoga subgraph with its tables in PostgreSQL, a `servers` entry, verifying
 *   the context token through the gateway's JWKS and enforcing row filters in SQL;
 * - farm: made by the installed CLI's `meshgate product new` in the team's own directory
 *   (plain JavaScript on Apollo Server), installed with npm and run with `node server.mjs`,
 *   answering only requests whose context token verifies through the gateway's JWKS.
 * Each drafts its contract with `contract init`, reviews it, and publishes with its own token
 * to the registry service; the platform's gateway serves exactly those three.
 */
const ROOT = fileURLToPath(new URL('..', import.meta.url));
const run = promisify(execFile);
const PREFIX = `meshgate:{registry}:three-teams:${process.pid}:`;
const stateDir = mkdtempSync(join(tmpdir(), 'meshgate-three-teams-state-'));
const policyDir = mkdtempSync(join(tmpdir(), 'meshgate-three-teams-policies-'));
const cliDir = mkdtempSync(join(tmpdir(), 'meshgate-installed-cli-'));
const INSTALLED_BIN = join(cliDir, 'node_modules', 'meshgate', 'gateway', 'cli', 'bin', 'meshgate.js');
const teamDirs = {
  users: mkdtempSync(join(tmpdir(), 'users-team-')),
  zoo: mkdtempSync(join(tmpdir(), 'zoo-team-')),
  farm: mkdtempSync(join(tmpdir(), 'farm-team-')),
};
type Team = keyof typeof teamDirs;

let redis: PrivateRedis;
let registry: RunningRegistry;
let gateway: RunningGateway | undefined;
let users: RunningApolloProduct;
let zoo: RunningYogaProduct;
let farm: RunningScaffoldedProduct | undefined;
/** Where the farm product will listen: it starts once the gateway (its JWKS) is up, after its publish. */
let farmUrl: string;
const tokens: Record<string, string> = {};

const env = () => ({
  ...registryTestEnv({ stateDir, policyDir, redisUrl: redis.url, prefix: PREFIX }),
  LINEAGE_PREFIX: `meshgate:{lineage}:three-teams:${process.pid}:`,
  SLI_PREFIX: `meshgate:{sli}:three-teams:${process.pid}:`,
});

/** The installed `meshgate`, run in a team's directory with only what its CI would hold. */
const meshgate = (cwd: string, args: string[], extra: Record<string, string> = {}) =>
  runInDirectory(cwd, args, { MESHGATE_STATE_DIR: stateDir, ...extra }, INSTALLED_BIN);
const asTeam = (team: Team, args: string[], extra: Record<string, string> = {}) =>
  meshgate(teamDirs[team], args, {
    MESHGATE_REGISTRY_URL: registry.url,
    MESHGATE_TOKEN: tokens[team]!,
    ...extra,
  });

/** The team's review of its drafted contract, written back. */
function review(team: Team, extra: Record<string, unknown> = {}): void {
  const file = join(teamDirs[team], 'contract.odcs.yaml');
  writeFileSync(
    file,
    stringify(reviewed(parse(readFileSync(file, 'utf8')) as Record<string, unknown>, extra)),
  );
}

beforeAll(async () => {
  // The CLI as a team installs it: from the packed tarball, into an empty directory.
  const packed = (
    await run('npm', ['pack', '--silent', '--pack-destination', cliDir], { cwd: ROOT })
  ).stdout.trim();
  writeFileSync(join(cliDir, 'package.json'), '{"name":"a-team-ci","private":true}');
  await run(
    'npm',
    [
      'install',
      join(cliDir, packed.split('\n').at(-1)!),
      '--prefer-offline',
      '--no-audit',
      '--no-fund',
      '--ignore-scripts',
    ],
    {
      cwd: cliDir,
    },
  );
  // Governance's rule, before any team publishes: users' personal data is hashed for analysts
  // (the check refuses a product whose pii fields no rule covers).
  writeFileSync(
    join(policyDir, 'personal-data.yaml'),
    stringify({
      apiVersion: 'meshgate/v1',
      kind: 'Policy',
      owner: 'governance',
      rules: [
        {
          id: 'analyst-users-hashed',
          description: 'Analysts join on personal data without reading it.',
          fields: ['User.*'],
          when: "'analyst' in principal.roles",
          effect: 'mask',
          strategy: 'hash',
        },
      ],
    }),
  );
  redis = await PrivateRedis.start();
  registry = await startRegistryServer(testConfig(env()), createLogger('silent'), { port: 0 });
  users = await startApolloProduct('users');
  zoo = await startYogaProduct({
    databaseUrl: TEST_DATABASE_URL,
    jwks: () => new URL('/.well-known/meshgate/keys', gateway!.url),
  });
  // The farm team starts from the scaffold, outside this repository, and installs it as it would.
  const created = await meshgate(teamDirs.farm, [
    'product',
    'new',
    'farm',
    '--domain',
    'Farming',
    '--owner',
    'farm-team',
    '--entity',
    'Crop',
    '--dir',
    '.',
  ]);
  expect(created.code, created.stderr).toBe(0);
  await run('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', '--ignore-scripts'], {
    cwd: teamDirs.farm,
  });
  farmUrl = `http://127.0.0.1:${await freePort()}/`;
  writeFileSync(join(teamDirs.users, 'schema.graphql'), USERS_SDL);
  writeFileSync(join(teamDirs.zoo, 'schema.graphql'), ZOO_SDL);
  for (const [team, sub] of [
    ['users', 'ci-users'],
    ['zoo', 'ci-zoo'],
    ['farm', 'ci-farm'],
  ] as const)
    tokens[team] = (
      await meshgate(tmpdir(), ['token', '--sub', sub, '--teams', `${team}-team`])
    ).stdout.trim();
}, 240_000);

afterAll(async () => {
  await gateway?.stop();
  await registry?.stop();
  await Promise.all([users?.stop(), zoo?.stop(), farm?.stop()]);
  await redis?.stop();
  for (const dir of [stateDir, policyDir, cliDir, ...Object.values(teamDirs)])
    rmSync(dir, { recursive: true, force: true });
});

describe('three teams, three stacks, one mesh of their own', () => {
  it('each drafts its contract with contract init and publishes it with its own token', async () => {
    for (const [team, domain] of [
      ['users', 'People'],
      ['zoo', 'Zoo'],
      ['farm', 'Farming'],
    ] as const) {
      const init = await asTeam(team, [
        'contract',
        'init',
        '--schema',
        'schema.graphql',
        '--team',
        `${team}-team`,
        '--domain',
        domain,
        '--name',
        team,
        '--email',
        `${team}@example.com`,
        '--out',
        'contract.odcs.yaml',
      ]);
      expect(init.code, init.stderr).toBe(0);
    }
    review('users');
    review('zoo', {
      servers: [{ server: 'zoo-db', type: 'postgres', ...zoo.server }],
      customProperties: [{ property: 'meshgate.rowFilters', value: 'enforced' }],
    });
    review('farm');
    // The zoo team's one quality rule, on its table in its own database.
    const zooFile = join(teamDirs.zoo, 'contract.odcs.yaml');
    const zooContract = parse(readFileSync(zooFile, 'utf8')) as { schema: Record<string, unknown>[] };
    zooContract.schema.find((o) => o.name === 'Animal')!.quality = [ZOO_NOT_EMPTY];
    writeFileSync(zooFile, stringify(zooContract));
    for (const [team, url] of [
      ['users', users.url],
      ['zoo', zoo.url],
      ['farm', farmUrl],
    ] as const) {
      const published = await asTeam(team, [
        'publish',
        '--subgraph',
        team,
        '--schema',
        'schema.graphql',
        '--contract',
        'contract.odcs.yaml',
        '--url',
        url,
      ]);
      console.log(
        `$ (${team}-team) meshgate publish --subgraph ${team}\n${published.stdout.trim().split('\n').at(-1)}`,
      );
      expect(published.code, published.stdout + published.stderr).toBe(0);
      expect(published.stdout).toContain(`published ${team} v1 (team ${team}-team)`);
    }
    const listed = JSON.parse((await asTeam('users', ['registry', 'list', '--json'])).stdout) as {
      products: { name: string; team: string }[];
    };
    expect(listed.products.map((p) => `${p.name}:${p.team}`)).toEqual([
      'farm:farm-team',
      'users:users-team',
      'zoo:zoo-team',
    ]);
  }, 120_000);

  it('refuses a cross-team publish with its code, and audits it', async () => {
    const refused = await asTeam('farm', [
      'publish',
      '--subgraph',
      'zoo',
      '--schema',
      join(teamDirs.zoo, 'schema.graphql'),
      '--contract',
      join(teamDirs.zoo, 'contract.odcs.yaml'),
    ]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('error[REGISTRY_FORBIDDEN]');
    const audit = await asTeam('zoo', ['registry', 'audit', '--product', 'zoo']);
    const refusedLine = audit.stdout.split('\n').find((line) => line.includes('refused REGISTRY_FORBIDDEN'));
    console.log(
      `$ (farm-team) meshgate publish --subgraph zoo ...\n${refused.stderr.trim()}\n$ meshgate registry audit --product zoo\n${audit.stdout.trim()}`,
    );
    expect(refusedLine).toContain('by ci-farm [farm-team]');
  }, 60_000);

  it('serves exactly those three; a query joins them under the policies', async () => {
    // Governance's row filter, written once the zoo product is in service (it names Animal).
    writeFileSync(
      join(policyDir, 'zoo.yaml'),
      stringify({
        apiVersion: 'meshgate/v1',
        kind: 'Policy',
        owner: 'governance',
        rules: [
          {
            id: 'regional-analyst-animals',
            description: 'A regional analyst sees the animals of their countries only.',
            target: 'Animal',
            when: "'analyst' in principal.roles && has(principal.attributes.countries)",
            effect: 'filter',
            where: 'row.country in principal.attributes.countries',
          },
        ],
      }),
    );
    gateway = await startGateway(
      testConfig({
        ...env(),
        PORT: '0',
        SUPERGRAPH_SOURCE: 'registry',
        MESHGATE_FRESHNESS_INTERVAL: '2s',
        // The platform team's credentials for the zoo team's database (never in the contract).
        MESHGATE_PG_ZOO_USER: 'postgres',
      }),
      createLogger('silent'),
    );
    farm = await startScaffoldedProduct(teamDirs.farm, {
      PORT: new URL(farmUrl).port,
      MESHGATE_JWKS_URL: new URL('/.well-known/meshgate/keys', gateway.url).href,
    });
    // The scaffolded product answers the gateway only: a request without a context token is refused.
    const direct = await fetch(farm.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ crops { id } }' }),
    });
    expect(direct.status).toBe(401);
    expect(JSON.stringify(await direct.json())).toContain('CONTEXT_TOKEN_INVALID');
    const analyst = (await meshgate(tmpdir(), ['token', '--sub', 'ana', '--roles', 'analyst'])).stdout.trim();
    const answer = await graphql<{
      animals: { name: string; keeper: { name: string; email: string } | null }[];
      crops: { id: string }[];
    }>(gateway.url, '{ animals { name keeper { name email } } crops { id } }', {
      headers: { authorization: `Bearer ${analyst}` },
    });
    expect(answer.body.errors).toBeUndefined();
    expect(answer.body.data?.crops).toEqual([{ id: '1' }, { id: '2' }, { id: '3' }]);
    const ada = answer.body.data?.animals.find((a) => a.name === 'Ada');
    // The keeper joined from the users product, its personal data hashed by governance's rule.
    expect(ada?.keeper?.name).toMatch(/^h:[0-9a-f]{16}$/);
    expect(ada?.keeper?.email).toMatch(/^h:[0-9a-f]{16}$/);
    expect(ada?.keeper?.email).not.toBe(ada?.keeper?.name);
  }, 120_000);

  it('the Yoga product verifies the context token through the JWKS and enforces a row filter', async () => {
    const regional = (
      await meshgate(tmpdir(), ['token', '--sub', 'rea', '--roles', 'analyst', '--attr', 'countries=DE,AT'])
    ).stdout.trim();
    const before = zoo.statements.length;
    const answer = await graphql<{ animals: { name: string; country: string }[] }>(
      gateway!.url,
      '{ animals { name country } }',
      { headers: { authorization: `Bearer ${regional}` } },
    );
    expect(answer.body.data?.animals.map((a) => a.country).sort()).toEqual(['AT', 'DE', 'DE']);
    const sql = zoo.statements.slice(before).map((s) => s.sql);
    expect(sql.some((s) => / IN \(|country/i.test(s) && s.includes('WHERE'))).toBe(true);
  }, 60_000);

  it('catalog, SLOs and lineage show all three, read from any directory with the installed CLI', async () => {
    const steward = (
      await meshgate(tmpdir(), ['token', '--sub', 'stew', '--roles', 'data-steward'])
    ).stdout.trim();
    const remote = { MESHGATE_URL: gateway!.url, MESHGATE_TOKEN: steward };
    const catalog = JSON.parse((await meshgate(tmpdir(), ['catalog', '--json'], remote)).stdout) as {
      products: { name: string; descriptor: { owner: { team: string } } | null }[];
    };
    expect(catalog.products.map((p) => `${p.name}:${p.descriptor?.owner.team}`).sort()).toEqual([
      'farm:farm-team',
      'users:users-team',
      'zoo:zoo-team',
    ]);
    const slo = JSON.parse((await meshgate(tmpdir(), ['slo', '--json'], remote)).stdout) as
      | {
          products?: { product: string }[];
        }
      | { product: string }[];
    const sloProducts = (Array.isArray(slo) ? slo : (slo.products ?? [])).map((p) => p.product).sort();
    expect(sloProducts).toEqual(['farm', 'users', 'zoo']);
    const lineage = await meshgate(tmpdir(), ['lineage', 'query', '--since', '1h', '--json'], remote);
    const products = new Set(
      lineage.stdout
        .trim()
        .split('\n')
        .filter(Boolean)
        .flatMap((line) => (JSON.parse(line) as { products: string[] }).products),
    );
    expect([...products].sort()).toEqual(['farm', 'users', 'zoo']);
    // Quality of the Yoga product, measured in its own database through its `servers` entry.
    const quality = await meshgate(tmpdir(), ['quality', 'run', '--product', 'zoo', '--json'], remote);
    expect(quality.code, quality.stderr).toBe(0);
    const results = JSON.parse(quality.stdout) as { product: string; ruleId: string; measured: number }[];
    console.log(
      `$ meshgate quality run --product zoo --json\n${JSON.stringify(results.map((r) => [r.ruleId, r.measured]))}`,
    );
    expect(results.map((r) => [r.product, r.ruleId, r.measured])).toEqual([['zoo', 'zoo-not-empty', 5]]);
    // The console's product pages read each one's contract (a bearer token, as the console's session maps to).
    for (const name of ['farm', 'users', 'zoo']) {
      const page = await fetch(new URL(`/console/api/products/${name}/contract`, gateway!.url), {
        headers: { authorization: `Bearer ${steward}` },
      });
      expect(page.status, name).toBe(200);
    }
  }, 60_000);
});

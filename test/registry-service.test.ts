import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../gateway/common/logger.js';
import { startGateway, type RunningGateway } from '../gateway/server.js';
import { startRegistryServer, type RunningRegistry } from '../schema/registry/service/serve-registry.js';
import { runInDirectory, type CliRun } from './support/cli.js';
import { graphql, testConfig } from './support/mesh.js';
import { PrivateRedis } from './support/redis-server.js';
import { registryTestEnv } from './support/registry-env.js';
import { serveTeamProduct, teamProduct, type TeamProduct } from './support/team-product.js';

/**
 * Your own mesh: two domain teams, each in its own directory outside this repository, publish
 * their data products (plain @apollo/subgraph servers, no kit) through the registry service
 * with their own tokens; a gateway serves exactly those two products. No reference product
 * takes part: the registry starts empty and the gateway starts from it.
 */
const PREFIX = `meshgate:{registry}:own-mesh:${process.pid}:`;
const stateDir = mkdtempSync(join(tmpdir(), 'meshgate-own-mesh-state-'));
const policyDir = mkdtempSync(join(tmpdir(), 'meshgate-own-mesh-policies-'));
const teams = {
  zoo: {
    dir: mkdtempSync(join(tmpdir(), 'zoo-team-')),
    product: teamProduct({ name: 'zoo', team: 'zoo-team', entity: 'Animal' }),
  },
  farm: {
    dir: mkdtempSync(join(tmpdir(), 'farm-team-')),
    product: teamProduct({ name: 'farm', team: 'farm-team', entity: 'Crop' }),
  },
};

let redis: PrivateRedis;
let registry: RunningRegistry;
let gateway: RunningGateway | undefined;
const servers: { url: string; stop: () => Promise<void> }[] = [];
const env = () => ({
  ...registryTestEnv({ stateDir, policyDir, redisUrl: redis.url, prefix: PREFIX }),
  MESHGATE_LINEAGE: 'off',
  MESHGATE_SLI: 'off',
  MESHGATE_QUALITY: 'off',
  JWT_CLOCK_TOLERANCE: '0',
});

/** `meshgate ARGS` in a team's directory, the way its CI runs it: only the token and the registry URL. */
const meshgate = (cwd: string, args: string[], extra: Record<string, string> = {}): Promise<CliRun> =>
  runInDirectory(cwd, args, { MESHGATE_STATE_DIR: stateDir, ...extra });
const tokenFor = async (sub: string, flags: string[]) =>
  (await meshgate(tmpdir(), ['token', '--sub', sub, ...flags])).stdout.trim();
const publish = (
  team: keyof typeof teams,
  token: string,
  product: TeamProduct = teams[team].product,
  url?: string,
) =>
  meshgate(
    teams[team].dir,
    [
      'publish',
      '--subgraph',
      product.name,
      '--schema',
      'schema.graphql',
      '--contract',
      'contract.odcs.yaml',
      ...(url ? ['--url', url] : []),
    ],
    { MESHGATE_REGISTRY_URL: registry.url, MESHGATE_TOKEN: token },
  );
const writeProduct = (team: keyof typeof teams, product: TeamProduct) => {
  writeFileSync(join(teams[team].dir, 'schema.graphql'), product.sdl);
  writeFileSync(join(teams[team].dir, 'contract.odcs.yaml'), product.contract);
};
const registryList = async (token: string) =>
  JSON.parse(
    (
      await meshgate(tmpdir(), ['registry', 'list', '--json'], {
        MESHGATE_REGISTRY_URL: registry.url,
        MESHGATE_TOKEN: token,
      })
    ).stdout,
  ) as {
    supergraph: { version: number; subgraphs: Record<string, number> };
    products: { name: string; team: string }[];
  };

let zooToken: string;
let farmToken: string;
let adminToken: string;

beforeAll(async () => {
  redis = await PrivateRedis.start();
  registry = await startRegistryServer(testConfig(env()), createLogger('silent'), { port: 0 });
  const rows = [
    { id: '1', label: 'one' },
    { id: '2', label: 'two' },
  ];
  for (const team of Object.values(teams)) servers.push(await serveTeamProduct(team.product, rows));
  for (const [name, team] of Object.entries(teams)) writeProduct(name as keyof typeof teams, team.product);
  [zooToken, farmToken, adminToken] = await Promise.all([
    tokenFor('ci-zoo', ['--teams', 'zoo-team']),
    tokenFor('ci-farm', ['--teams', 'farm-team']),
    tokenFor('platform', ['--roles', 'registry-admin']),
  ]);
}, 120_000);

afterAll(async () => {
  await gateway?.stop();
  await registry.stop();
  await Promise.all(servers.map((s) => s.stop()));
  await redis.stop();
  for (const dir of [stateDir, policyDir, teams.zoo.dir, teams.farm.dir])
    rmSync(dir, { recursive: true, force: true });
});

describe('your own mesh: teams publish from their own directories, as themselves', () => {
  it('checks, then publishes each product with its own token; the supergraph holds exactly those two', async () => {
    const checked = await meshgate(
      teams.zoo.dir,
      ['check', '--subgraph', 'zoo', '--schema', 'schema.graphql', '--contract', 'contract.odcs.yaml'],
      { MESHGATE_REGISTRY_URL: registry.url, MESHGATE_TOKEN: zooToken },
    );
    expect(checked.stdout).toContain('0 blocking error(s) for zoo');
    expect(checked.code).toBe(0);

    const zoo = await publish('zoo', zooToken, teams.zoo.product, servers[0]!.url);
    console.log(`$ meshgate publish --subgraph zoo ... (zoo-team)\n${zoo.stdout.split('\n').at(-2)}`);
    expect(zoo.code).toBe(0);
    expect(zoo.stdout).toContain('published zoo v1 (team zoo-team)');
    const farm = await publish('farm', farmToken, teams.farm.product, servers[1]!.url);
    expect(farm.code).toBe(0);
    expect(farm.stdout).toContain('published farm v1 (team farm-team)');

    const listed = await registryList(zooToken);
    expect(listed.products.map((p) => `${p.name}:${p.team}`)).toEqual(['farm:farm-team', 'zoo:zoo-team']);
    expect(listed.supergraph.subgraphs).toEqual({ farm: 1, zoo: 1 });

    gateway = await startGateway(
      testConfig({ ...env(), PORT: '0', SUPERGRAPH_SOURCE: 'registry' }),
      createLogger('silent'),
    );
    const answer = await graphql(gateway.url, '{ animals { id label } crops { id label } }');
    expect(answer.body).toEqual({
      data: {
        animals: [
          { id: '1', label: 'one' },
          { id: '2', label: 'two' },
        ],
        crops: [
          { id: '1', label: 'one' },
          { id: '2', label: 'two' },
        ],
      },
    });
    const ready = (await (await fetch(gateway.url.replace('/graphql', '/ready'))).json()) as {
      supergraph: { version: number; source: string };
    };
    expect(ready.supergraph.version).toBe(2);
  });

  it('refuses a cross-team publish with its code, audits it, and changes nothing', async () => {
    const before = await registryList(adminToken);
    // farm-team's CI, with zoo's files: the registry answers for zoo-team's product.
    writeProduct('farm', teams.zoo.product);
    const refused = await publish('farm', farmToken, teams.zoo.product);
    writeProduct('farm', teams.farm.product);
    console.log(
      `$ meshgate publish --subgraph zoo ... (farm-team's token)\n${refused.stderr.trim()} (exit ${refused.code})`,
    );
    expect(refused.code).toBe(1);
    expect(refused.stderr.trim()).toBe(
      "meshgate: error[REGISTRY_FORBIDDEN]: zoo belongs to team zoo-team; your token's teams: farm-team",
    );
    const audit = await meshgate(tmpdir(), ['registry', 'audit', '--product', 'zoo', '--limit', '5'], {
      MESHGATE_REGISTRY_URL: registry.url,
      MESHGATE_TOKEN: adminToken,
    });
    console.log(`$ meshgate registry audit --product zoo\n${audit.stdout.trim()}`);
    const [newest, ...older] = audit.stdout.trim().split('\n');
    expect(newest).toMatch(
      /^\S+Z {2}publish zoo {2}by ci-farm \[farm-team\] {2}team zoo-team {2}refused REGISTRY_FORBIDDEN: zoo belongs to team zoo-team/,
    );
    expect(older).toEqual([
      expect.stringMatching(
        /publish zoo v1 {2}by ci-zoo \[zoo-team\] {2}team zoo-team {2}published: publish zoo v1$/,
      ),
    ]);
    expect(await registryList(adminToken)).toEqual(before);
  });

  it('no token is refused with 401, an expired one too', async () => {
    const none = await fetch(`${registry.url}/registry/v1/products/zoo/publish`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ sdl: teams.zoo.product.sdl, contract: teams.zoo.product.contract }),
    });
    expect([none.status, ((await none.json()) as { error: { code: string } }).error.code]).toEqual([
      401,
      'UNAUTHENTICATED',
    ]);
    // The registry runs with no clock tolerance here, so a token is expired a second after its exp.
    const shortLived = await tokenFor('ci-zoo', ['--teams', 'zoo-team', '--ttl', '1s']);
    const exp = (
      JSON.parse(Buffer.from(shortLived.split('.')[1]!, 'base64url').toString()) as { exp: number }
    ).exp;
    await expect.poll(() => Date.now() / 1000 > exp + 1, { timeout: 10_000, interval: 200 }).toBe(true);
    const expired = await publish('zoo', shortLived);
    expect(expired.stderr.trim()).toBe('meshgate: error[TOKEN_INVALID]: Invalid bearer token (expired)');
  }, 30_000);

  it('two teams publishing at once both land; the gateway serves both changes', async () => {
    const zooV2 = teamProduct({ name: 'zoo', team: 'zoo-team', entity: 'Animal', extraField: 'habitat' });
    const farmV2 = teamProduct({ name: 'farm', team: 'farm-team', entity: 'Crop', extraField: 'season' });
    writeProduct('zoo', zooV2);
    writeProduct('farm', farmV2);
    // Each team deploys its new version, then publishes it: both at the same moment.
    const rows = [{ id: '1', label: 'one' }];
    const [zooServer, farmServer] = [
      await serveTeamProduct(zooV2, rows),
      await serveTeamProduct(farmV2, rows),
    ];
    servers.push(zooServer, farmServer);
    const [zoo, farm] = await Promise.all([
      publish('zoo', zooToken, zooV2, zooServer.url),
      publish('farm', farmToken, farmV2, farmServer.url),
    ]);
    expect([zoo.code, farm.code, zoo.stderr, farm.stderr]).toEqual([0, 0, '', '']);
    const listed = await registryList(adminToken);
    expect(listed.supergraph).toMatchObject({ version: 4, subgraphs: { farm: 2, zoo: 2 } });
    await expect
      .poll(
        async () => (await graphql(gateway!.url, '{ animals { habitat } crops { season } }')).body.errors,
        {
          timeout: 10_000,
        },
      )
      .toBeUndefined();
  });

  it('answers 503 while Redis is down; the gateway keeps serving the last good supergraph', async () => {
    await redis.stop();
    const down = await fetch(`${registry.url}/registry/v1/products`, {
      headers: { authorization: `Bearer ${zooToken}` },
    });
    expect([down.status, ((await down.json()) as { error: { code: string } }).error.code]).toEqual([
      503,
      'REGISTRY_UNAVAILABLE',
    ]);
    const refused = await publish('zoo', zooToken);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/^meshgate: error\[REGISTRY_UNAVAILABLE\]: the registry's store/);
    const answer = await graphql(gateway!.url, '{ animals { id habitat } crops { id } }');
    expect(answer.body.errors).toBeUndefined();
    expect(answer.body.data).toEqual({ animals: [{ id: '1', habitat: null }], crops: [{ id: '1' }] });
  }, 30_000);
});

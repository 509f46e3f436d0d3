import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Fastify, { type FastifyInstance } from 'fastify';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAuthenticate, issueToken } from '../../../gateway/auth/index.js';
import { loadConfig, type MeshgateConfig } from '../../../gateway/config/config.js';
import { contractFor, teamProduct, type TeamProduct } from '../../../test/support/team-product.js';
import { openRegistryService } from './open-registry-service.js';
import { registerRegistryRoutes } from './registry-routes.js';
import type { RegistryService } from './registry-service.js';

const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const run = `meshgate:test:registry-service:${process.pid}:${Date.now()}`;
const stateDir = mkdtempSync(join(tmpdir(), 'meshgate-registry-service-'));
const policyDir = mkdtempSync(join(tmpdir(), 'meshgate-registry-policies-'));

const configFor = (redisUrl: string, prefix: string): MeshgateConfig =>
  loadConfig({
    MESHGATE_STATE_DIR: stateDir,
    POLICY_DIR: policyDir,
    REDIS_URL: redisUrl,
    REGISTRY_PREFIX: `${run}:{registry}:${prefix}:`,
    LINEAGE_PREFIX: `${run}:{lineage}:`,
    LOG_LEVEL: 'silent',
  });
const config = configFor(REDIS_URL, 'main');
const token = (sub: string, teams: string[], roles: string[] = [], ttlSeconds = 300) =>
  issueToken(config.security.auth, stateDir, { sub, teams, roles, ttlSeconds });
const zooToken = token('ci-zoo', ['zoo-team']);
const farmToken = token('ci-farm', ['farm-team']);
const adminToken = token('platform', [], ['registry-admin']);

const zoo = teamProduct({ name: 'zoo', team: 'zoo-team', entity: 'Animal' });
const farm = teamProduct({ name: 'farm', team: 'farm-team', entity: 'Crop' });

function serve(service: RegistryService): FastifyInstance {
  const app = Fastify();
  registerRegistryRoutes(
    app,
    createAuthenticate({ auth: config.security.auth, stateDir: config.stateDir }),
    service,
  );
  return app;
}

let service: RegistryService;
let app: FastifyInstance;
beforeAll(() => {
  service = openRegistryService(config);
  app = serve(service);
});
afterAll(async () => {
  await app.close();
  await service.close();
  const redis = new Redis(REDIS_URL);
  const keys = await redis.keys(`${run}:*`);
  if (keys.length) await redis.del(...keys);
  redis.disconnect();
  rmSync(stateDir, { recursive: true, force: true });
  rmSync(policyDir, { recursive: true, force: true });
});

type Body = Record<string, unknown> & { error?: { code: string; message: string } };
async function call(
  target: FastifyInstance,
  method: 'GET' | 'POST',
  path: string,
  bearer: string | null,
  body?: unknown,
): Promise<{ status: number; body: Body }> {
  const response = await target.inject({
    method,
    url: `/registry/v1${path}`,
    headers: {
      ...(bearer !== null && { authorization: `Bearer ${bearer}` }),
      'content-type': 'application/json',
    },
    ...(method === 'POST' && { payload: JSON.stringify(body ?? {}) }),
  });
  return { status: response.statusCode, body: response.json<Body>() };
}
const publish = (product: TeamProduct, bearer: string | null, url = `http://127.0.0.1:1/${product.name}`) =>
  call(app, 'POST', `/products/${product.name}/publish`, bearer, {
    sdl: product.sdl,
    contract: product.contract,
    url,
  });
const refusal = (answer: { status: number; body: Body }) => `${answer.status} ${answer.body.error?.code}`;
const products = async () =>
  (
    (await call(app, 'GET', '/products', adminToken)).body.products as {
      name: string;
      version: number;
      team: string;
    }[]
  ).map((p) => `${p.name}@${p.version}:${p.team}`);
const audit = async () =>
  (await call(app, 'GET', '/audit?limit=1000', adminToken)).body.entries as {
    subject: string;
    product: string;
    outcome: string;
    code: string | null;
    team: string | null;
    version: number | null;
  }[];

describe('the registry service', () => {
  it('an empty registry holds no products; the first publish composes exactly that product', async () => {
    expect(await products()).toEqual([]);
    const answer = await publish(zoo, zooToken);
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({
      product: 'zoo',
      version: 1,
      team: 'zoo-team',
      supergraph: { version: 1 },
    });
    const { supergraph } = (await call(app, 'GET', '/supergraph', zooToken)).body as {
      supergraph: { sdl: string; subgraphs: Record<string, number> };
    };
    expect(supergraph.subgraphs).toEqual({ zoo: 1 });
    expect(supergraph.sdl).toContain('type Animal');
    expect(supergraph.sdl).not.toMatch(/type (Customer|Product|Order)\b/);
    expect(await audit()).toMatchObject([
      { subject: 'ci-zoo', product: 'zoo', outcome: 'published', code: null, team: 'zoo-team', version: 1 },
    ]);
  });

  it('refuses, with a code, an audit line and no change: no token, a bad or expired one', async () => {
    const before = { products: await products(), audit: (await audit()).length };
    expect(refusal(await publish(zoo, null))).toBe('401 UNAUTHENTICATED');
    expect(refusal(await publish(zoo, 'not.a.token'))).toBe('401 TOKEN_INVALID');
    const expired = token('ci-zoo', ['zoo-team'], [], -120);
    expect(refusal(await publish(zoo, expired))).toBe('401 TOKEN_INVALID');
    expect(refusal(await call(app, 'GET', '/products', null))).toBe('401 UNAUTHENTICATED');
    // Nobody to record: an unauthenticated caller cannot fill the audit log.
    expect({ products: await products(), audit: (await audit()).length }).toEqual(before);
  });

  it("refuses another team's token, a claimed name, a claim for another team, a transfer, and a contract that disagrees", async () => {
    const before = (await audit()).length;
    // farm-team's CI publishes zoo's product as it is: not its product.
    const crossTeam = await publish(zoo, farmToken);
    expect(refusal(crossTeam)).toBe('403 REGISTRY_FORBIDDEN');
    expect(crossTeam.body.error?.message).toBe("zoo belongs to team zoo-team; your token's teams: farm-team");
    // farm-team publishes its own product under the name zoo: the name is taken.
    const sameName = teamProduct({ name: 'zoo', team: 'farm-team', entity: 'Beast' });
    expect(refusal(await publish(sameName, farmToken))).toBe('409 PRODUCT_NAME_TAKEN');
    // zoo-team claims the name farm for farm-team: a team claims names for itself only.
    expect(refusal(await publish(farm, zooToken))).toBe('403 REGISTRY_FORBIDDEN');
    // zoo-team hands zoo to farm-team: a transfer is registry-admin's.
    const transfer = { ...zoo, contract: contractFor('zoo', 'zoo-team', 'zoo', zoo.sdl, 'farm-team') };
    expect(refusal(await publish(transfer, zooToken))).toBe('403 TEAM_TRANSFER_FORBIDDEN');
    // A contract whose schema lacks a field the SDL has.
    const v2 = teamProduct({ name: 'zoo', team: 'zoo-team', entity: 'Animal', extraField: 'habitat' });
    const mismatch = await publish({ ...v2, contract: zoo.contract }, zooToken);
    expect(refusal(mismatch)).toBe('422 CONTRACT_SDL_MISMATCH');
    expect(mismatch.body.error?.message).toContain('has no property habitat');

    expect(await products()).toEqual(['zoo@1:zoo-team']);
    expect((await call(app, 'GET', '/products/zoo/history', zooToken)).body.versions).toHaveLength(1);
    const lines = (await audit()).slice(0, (await audit()).length - before);
    expect(lines.map((l) => `${l.subject} ${l.product} ${l.outcome} ${l.code}`)).toEqual([
      'ci-zoo zoo refused CONTRACT_SDL_MISMATCH',
      'ci-zoo zoo refused TEAM_TRANSFER_FORBIDDEN',
      'ci-zoo farm refused REGISTRY_FORBIDDEN',
      'ci-farm zoo refused PRODUCT_NAME_TAKEN',
      'ci-farm zoo refused REGISTRY_FORBIDDEN',
    ]);
  });

  it("a team reads its own teams' audit lines; registry-admin reads them all", async () => {
    const farmView = (await call(app, 'GET', '/audit', farmToken)).body.entries as {
      subject: string;
      team: string;
    }[];
    expect(farmView.length).toBeGreaterThan(0);
    expect(farmView.every((l) => l.subject === 'ci-farm' || l.team === 'farm-team')).toBe(true);
  });

  it('a dry run checks like a publish and stores nothing', async () => {
    const before = { products: await products(), audit: (await audit()).length };
    const v2 = teamProduct({ name: 'zoo', team: 'zoo-team', entity: 'Animal', extraField: 'habitat' });
    const checked = await call(app, 'POST', '/products/zoo/check', zooToken, {
      sdl: v2.sdl,
      contract: v2.contract,
    });
    expect(checked.status).toBe(200);
    expect(checked.body).toMatchObject({ passed: true, product: 'zoo', version: 2 });
    expect(
      refusal(
        await call(app, 'POST', '/products/zoo/check', farmToken, { sdl: v2.sdl, contract: v2.contract }),
      ),
    ).toBe('403 REGISTRY_FORBIDDEN');
    expect({ products: await products(), audit: (await audit()).length }).toEqual(before);
  });

  it('two teams publishing at once both land; nothing is lost', async () => {
    const before = (await audit()).length;
    const zooV2 = teamProduct({ name: 'zoo', team: 'zoo-team', entity: 'Animal', extraField: 'habitat' });
    const answers = await Promise.all([publish(zooV2, zooToken), publish(farm, farmToken)]);
    expect(answers.map((a) => a.status)).toEqual([200, 200]);
    expect(await products()).toEqual(['farm@1:farm-team', 'zoo@2:zoo-team']);
    const { supergraph } = (await call(app, 'GET', '/supergraph', zooToken)).body as {
      supergraph: { sdl: string; version: number; subgraphs: Record<string, number> };
    };
    expect(supergraph.subgraphs).toEqual({ farm: 1, zoo: 2 });
    expect(supergraph.version).toBe(3);
    expect(supergraph.sdl).toContain('habitat: String');
    expect(supergraph.sdl).toContain('type Crop');
    expect((await audit()).length - before).toBe(2);
  });

  it('rollback: only the owning team; registry-admin transfers', async () => {
    expect(refusal(await call(app, 'POST', '/products/zoo/rollback', farmToken))).toBe(
      '403 REGISTRY_FORBIDDEN',
    );
    const back = await call(app, 'POST', '/products/zoo/rollback', zooToken);
    expect(back.status).toBe(200);
    expect(back.body).toMatchObject({
      product: 'zoo',
      version: 1,
      supergraph: { reason: 'rollback zoo v2 to v1' },
    });
    expect(refusal(await call(app, 'POST', '/products/zoo/rollback', zooToken))).toBe(
      '409 NOTHING_TO_ROLL_BACK',
    );
    const transfer = { ...zoo, contract: contractFor('zoo', 'zoo-team', 'zoo', zoo.sdl, 'farm-team') };
    expect((await publish(transfer, adminToken)).status).toBe(200);
    expect(await products()).toEqual(['farm@1:farm-team', 'zoo@3:farm-team']);
    // zoo-team no longer owns it: the name is farm-team's now.
    expect(refusal(await publish(zoo, zooToken))).toBe('409 PRODUCT_NAME_TAKEN');
  });

  it('answers 503 REGISTRY_UNAVAILABLE while its store is down', async () => {
    const down = openRegistryService(configFor('redis://127.0.0.1:1', 'down'));
    const downApp = serve(down);
    try {
      const answer = await call(downApp, 'POST', '/products/zoo/publish', zooToken, {
        sdl: zoo.sdl,
        contract: zoo.contract,
        url: 'http://127.0.0.1:1/zoo',
      });
      expect(refusal(answer)).toBe('503 REGISTRY_UNAVAILABLE');
      expect(refusal(await call(downApp, 'GET', '/products', zooToken))).toBe('503 REGISTRY_UNAVAILABLE');
    } finally {
      await downApp.close();
      await down.close();
    }
  });
});

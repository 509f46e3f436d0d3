import { generateKeyPairSync } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import jwt from 'jsonwebtoken';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../gateway/common/logger.js';
import { memoryQualityStore } from '../gateway/health/quality-store.js';
import { serverTargets } from '../gateway/health/quality/index.js';
import { startQualitySchedule } from '../gateway/health/quality-schedule.js';
import { checkSubgraphHealth } from '../gateway/health/subgraph-health.js';
import { descriptorFromContract, type DataProductDescriptor } from '../gateway/protocol/index.js';
import { startGateway, type RunningGateway } from '../gateway/server.js';
import {
  contextTokenKey,
  createContextTokenSigner,
  GATEWAY_PRINCIPAL,
} from '../gateway/subgraph-fetch/context-token.js';
import { readGovernanceConfig, runCheck } from '../schema/check/index.js';
import { composeSupergraph } from '../schema/compose.js';
import { draftContract, reviewMarks } from '../schema/contract/index.js';
import { reviewed } from './support/contract-review.js';
import { startApolloProduct, USERS_SDL, type RunningApolloProduct } from './support/apollo-product.js';
import { graphql, TEST_DATABASE_URL, testConfig } from './support/mesh.js';
import { bearer, personaToken } from './support/personas.js';
import { startYogaProduct, ZOO_NOT_EMPTY, type RunningYogaProduct } from './support/yoga-product.js';

/**
 * Products in any stack (issue 27, item 5): a GraphQL Yoga subgraph with its tables in
 * PostgreSQL and a plain @apollo/subgraph on Apollo Server, neither built on the kit, behind
 * one gateway. The health probe speaks to both; `contract init` drafts contracts that pass the
 * check once reviewed; the Yoga product's quality is measured from its `servers` entry (and is
 * "not measured" without credentials); it verifies the context token through the gateway's
 * JWKS, refuses a forged one and enforces a row filter; a filtered read of the product that
 * does not declare enforcement is refused.
 */
const governance = readGovernanceConfig('schema/governance.yaml');
const dir = mkdtempSync(join(tmpdir(), 'meshgate-any-stack-'));
let zoo: RunningYogaProduct;
let users: RunningApolloProduct;
let gateway: RunningGateway;
const quality = memoryQualityStore({ historyLimit: 10 });
let descriptors: DataProductDescriptor[] = [];

function zooContract(server: RunningYogaProduct['server']): Record<string, unknown> {
  const draft = draftContract({
    sdl: zoo.sdl,
    name: 'zoo',
    team: 'zoo-team',
    domain: 'Zoo',
    email: 'zoo-team@zoo.example',
    personalData: governance.personalData,
  });
  const contract = reviewed(draft, {
    servers: [{ server: 'zoo-db', type: 'postgres', ...server }],
    customProperties: [{ property: 'meshgate.rowFilters', value: 'enforced' }],
  });
  const animal = (contract.schema as Record<string, unknown>[]).find((o) => o.name === 'Animal')!;
  animal.quality = [
    ZOO_NOT_EMPTY,
    {
      id: 'zoo-country-iso',
      type: 'sql',
      query: "SELECT count(*) FROM animals WHERE country !~ '^[A-Z]{2}$'",
      mustBe: 0,
      dimension: 'conformity',
      severity: 'error',
    },
  ];
  return contract;
}

function usersContract(sdl = USERS_SDL): Record<string, unknown> {
  return draftContract({
    sdl,
    name: 'users',
    team: 'users-team',
    domain: 'Identity',
    email: 'users-team@zoo.example',
    personalData: governance.personalData,
  });
}

const POLICIES = {
  'users.yaml': `apiVersion: meshgate/v1
kind: Policy
owner: users-team
rules:
  - id: keepers-names
    description: Analysts and stewards see users' names.
    fields: [User.name]
    when: "'analyst' in principal.roles || 'data-steward' in principal.roles"
    effect: allow
  - id: analyst-user-email-hashed
    description: Analysts join on e-mail without reading it.
    fields: [User.email]
    when: "'analyst' in principal.roles"
    effect: mask
    strategy: hash
  - id: audited-users
    description: An auditor's users are filtered; the users product does not declare it enforces filters.
    target: User
    when: "has(principal.attributes.purpose) && principal.attributes.purpose == 'audit'"
    effect: filter
    where: "row.id == '1'"
`,
  'zoo.yaml': `apiVersion: meshgate/v1
kind: Policy
owner: zoo-team
rules:
  - id: regional-animals
    description: A regional analyst sees the animals of their countries only, filtered by the zoo product in SQL.
    target: Animal
    when: "'analyst' in principal.roles && has(principal.attributes.countries)"
    effect: filter
    where: "row.country in principal.attributes.countries"
`,
};

beforeAll(async () => {
  users = await startApolloProduct();
  zoo = await startYogaProduct({
    databaseUrl: TEST_DATABASE_URL,
    jwks: () => new URL('/.well-known/meshgate/keys', gateway.url),
  });
  const contracts = { zoo: zooContract(zoo.server), users: reviewed(usersContract()) };
  descriptors = Object.values(contracts).map((c) => {
    const reading = descriptorFromContract(c);
    if (!reading.ok) throw new Error(JSON.stringify(reading.problems));
    return reading.descriptor;
  });
  const composed = composeSupergraph([
    { name: 'zoo', url: zoo.url, sdl: zoo.sdl },
    { name: 'users', url: users.url, sdl: users.sdl },
  ]);
  if (!composed.ok) throw new Error(JSON.stringify(composed.errors));
  writeFileSync(join(dir, 'supergraph.graphql'), composed.supergraphSdl);
  const policies = join(dir, 'policies');
  for (const [file, text] of Object.entries(POLICIES)) {
    const path = join(policies, file);
    mkdirSync(policies, { recursive: true });
    writeFileSync(path, text);
  }
  const config = testConfig({
    SUPERGRAPH_PATH: join(dir, 'supergraph.graphql'),
    POLICY_DIR: policies,
    MESHGATE_LINEAGE: 'off',
    MESHGATE_QUALITY_INTERVAL: '1s',
    MESHGATE_FRESHNESS_INTERVAL: '1s',
    MESHGATE_PG_ZOO_USER: 'postgres',
  });
  gateway = await startGateway({ ...config, port: 0 }, createLogger('silent'), { quality, descriptors });
}, 60_000);

afterAll(async () => {
  await gateway?.stop();
  await zoo?.stop();
  await users?.stop();
  rmSync(dir, { recursive: true, force: true });
});

const gatewayToken = () => {
  const config = testConfig();
  return createContextTokenSigner(contextTokenKey(config.security.contextToken, config.stateDir), 60).sign(
    GATEWAY_PRINCIPAL,
  );
};

describe('the health probe speaks to any federation subgraph', () => {
  it('finds the Yoga and the Apollo Server products up, with and without the gateway token', async () => {
    expect(await checkSubgraphHealth(users.url)).toMatchObject({ status: 'up' });
    // Without a token the Yoga product refuses with the protocol's code: serving, and only the gateway.
    expect(await checkSubgraphHealth(zoo.url)).toMatchObject({ status: 'up' });
    expect(await checkSubgraphHealth(zoo.url, 2_000, { 'x-meshgate-context': gatewayToken() })).toMatchObject(
      {
        status: 'up',
      },
    );
    // Not a GraphQL server: down, with the reason.
    expect(await checkSubgraphHealth(new URL('/.well-known/meshgate/keys', gateway.url).toString())).toEqual({
      status: 'down',
      error: 'HTTP 404',
    });
  });
});

describe('meshgate contract init', () => {
  /** The proposal beside the other team's product as in service (the policies name both). */
  const check = (name: string, sdl: string, contract: unknown) =>
    runCheck({
      root: process.cwd(),
      governanceFile: 'schema/governance.yaml',
      sources: {
        subgraphs: [
          { name, sdl, contract, label: `team:${name}` },
          name === 'users'
            ? { name: 'zoo', sdl: zoo.sdl, contract: zooContract(zoo.server), label: 'registry:zoo' }
            : { name: 'users', sdl: USERS_SDL, contract: reviewed(usersContract()), label: 'registry:users' },
        ],
        changed: name,
      },
      base: { supergraph: { label: 'empty registry', sdl: null } },
      policyDir: join(dir, 'policies'),
      usage: null,
    });

  it('drafts every object and property, with classifications from the personal-data patterns marked for review', async () => {
    const untagged = USERS_SDL.replaceAll(' @tag(name: "pii")', '');
    const draft = usersContract(untagged);
    expect(draft.schema).toEqual([
      expect.objectContaining({
        name: 'User',
        properties: [
          expect.objectContaining({ name: 'id', logicalType: 'string', required: true }),
          expect.objectContaining({
            name: 'name',
            logicalType: 'string',
            required: true,
            classification: 'pii',
          }),
          expect.objectContaining({
            name: 'email',
            logicalType: 'string',
            required: true,
            classification: 'pii',
          }),
        ],
      }),
    ]);
    expect(reviewMarks(draft).map((m) => m.pointer)).toEqual([
      '/schema/0/properties/1/customProperties/0',
      '/schema/0/properties/2/customProperties/0',
      '/schema/0/customProperties/0',
      '/customProperties/0',
    ]);
    const report = await check('users', untagged, draft);
    const findings = report.findings
      .filter((f) => f.rule === 'descriptor')
      .map((f) => `${f.severity} ${f.message}`);
    expect(findings.filter((f) => f.startsWith('warning')).length).toBe(4);
    expect(
      findings.some((f) => f.startsWith('error') && f.includes('does not tag it @tag(name: "pii")')),
    ).toBe(true);
  });

  it('passes the check once reviewed (SDL tagged, marks removed), for both products', async () => {
    for (const [name, sdl, contract] of [
      ['users', USERS_SDL, reviewed(usersContract())],
      ['zoo', zoo.sdl, zooContract(zoo.server)],
    ] as const) {
      const report = await check(name, sdl, contract);
      expect(report.findings.filter((f) => f.severity === 'error' || f.severity === 'warning')).toEqual([]);
    }
  });
});

describe("quality and freshness of a product not built on the kit, from its contract's servers entry", () => {
  it('measures the Yoga product in its PostgreSQL schema', async () => {
    const deadline = Date.now() + 20_000;
    while ((await quality.latest('zoo')).length < 2 && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 100));
    const results = await quality.latest('zoo');
    expect(results.map((r) => [r.ruleId, r.measured, r.passed]).sort()).toEqual([
      ['zoo-country-iso', 0, true],
      ['zoo-not-empty', 5, true],
    ]);
    while ((await quality.latestFreshness('zoo')).length === 0 && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 100));
    const [freshness] = await quality.latestFreshness('zoo');
    expect(freshness).toMatchObject({ element: 'animals.updated_at', maxLagSeconds: 86_400 });
    expect(freshness!.lagSeconds).toBeLessThan(120);
  });

  it('reports "not measured" with the reason when the credentials are missing', async () => {
    const targets = serverTargets({ serverCredentials: {}, statementTimeoutMs: 1_000 });
    const store = memoryQualityStore({ historyLimit: 10 });
    const schedule = startQualitySchedule({
      targets: () => targets.targets(descriptors),
      store,
      config: { intervalMs: 3_600_000, freshnessIntervalMs: 3_600_000, statementTimeoutMs: 1_000 },
      logger: createLogger('silent'),
      firstRunDelayMs: 3_600_000,
    });
    const results = await schedule.runQualityNow();
    const [freshness] = await schedule.probeFreshnessNow();
    await schedule.stop();
    await targets.close();
    const reason =
      'not measured: no credentials for server zoo-db: set MESHGATE_PG_ZOO_USER (and MESHGATE_PG_ZOO_PASSWORD)';
    expect(results.map((r) => [r.ruleId, r.measured, r.notMeasured, r.error])).toEqual([
      ['zoo-not-empty', null, true, reason],
      ['zoo-country-iso', null, true, reason],
    ]);
    expect(freshness).toMatchObject({ product: 'zoo', lagSeconds: null, error: reason });
  });
});

describe('row filters for any stack', () => {
  const query = (token: string | undefined) =>
    fetch(zoo.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(token && { 'x-meshgate-context': token }) },
      body: JSON.stringify({ query: '{ animals { id } }' }),
    });

  it('serves the public keys as a JWKS, and nothing that could sign', async () => {
    const response = await fetch(new URL('/.well-known/meshgate/keys', gateway.url));
    expect(response.status).toBe(200);
    const { keys } = (await response.json()) as { keys: Record<string, unknown>[] };
    expect(keys).toHaveLength(1);
    expect(keys[0]).toMatchObject({ kty: 'EC', crv: 'P-256', alg: 'ES256', use: 'sig' });
    expect(keys[0]).not.toHaveProperty('d');
  });

  it('the Yoga product refuses a forged token, and answers the gateway’s', async () => {
    const forged = jwt.sign(
      { v: 2, anon: false, roles: ['data-steward'] },
      generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey,
      {
        algorithm: 'ES256',
        issuer: 'meshgate-gateway',
        audience: 'meshgate-subgraph',
        subject: 'mallory',
        expiresIn: 60,
      },
    );
    for (const token of [undefined, forged]) {
      const response = await query(token);
      expect(response.status).toBe(401);
      expect(
        ((await response.json()) as { errors: { extensions: { code: string } }[] }).errors[0]!.extensions
          .code,
      ).toBe('CONTEXT_TOKEN_INVALID');
    }
    const ok = await query(gatewayToken());
    expect(ok.status).toBe(200);
    expect(await ok.json()).toEqual({ data: { animals: ['1', '2', '3', '4', '5'].map((id) => ({ id })) } });
  });

  it('applies a row filter through the gateway, compiled to parameterised SQL, joined with the Apollo product', async () => {
    const regional = bearer(personaToken('analyst', { sub: 'rea', attributes: { countries: ['DE', 'AT'] } }));
    const before = zoo.statements.length;
    const { body } = await graphql(gateway.url, '{ animals { id country keeper { name } } }', {
      headers: regional,
    });
    expect(body.errors).toBeUndefined();
    expect(body.data).toEqual({
      animals: [
        { id: '1', country: 'DE', keeper: { name: 'Uma Keeper' } },
        { id: '2', country: 'AT', keeper: { name: 'Vic Warden' } },
        { id: '4', country: 'DE', keeper: null },
      ],
    });
    expect(zoo.statements.slice(before)).toContainEqual({
      sql: expect.stringContaining('WHERE (country::text = ANY($1::text[]))'),
      params: [['DE', 'AT']],
    });
    const steward = bearer(personaToken('data-steward'));
    const all = await graphql<{ animals: unknown[] }>(gateway.url, '{ animals { id } }', {
      headers: steward,
    });
    expect(all.body.data?.animals).toHaveLength(5);
  });

  it('refuses a filtered read of a product whose contract does not declare it enforces filters', async () => {
    const auditor = bearer(personaToken('analyst', { sub: 'aud', attributes: { purpose: 'audit' } }));
    const { body } = await graphql(gateway.url, '{ users { id } }', { headers: auditor });
    expect(body.data).toBeNull(); // users: [User!]! is non-null
    expect(body.errors?.[0]?.extensions?.code).toBe('ROW_FILTER_UNENFORCEABLE');
    expect(body.errors?.[0]?.message).toBe(
      'Row filter not enforceable here: rule audited-users filters User, and data product "users" does not declare that it enforces row filters (meshgate.rowFilters: enforced in its contract)',
    );
  });
});

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateKeyPair, SignJWT } from 'jose';
import jwt from 'jsonwebtoken';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createLogger } from '../gateway/common/logger.js';
import type { RunningMesh } from '../gateway/cli/mesh.js';
import { startGateway, type RunningGateway } from '../gateway/server.js';
import { startRegistryServer } from '../schema/registry/service/serve-registry.js';
import { graphql, sharedMesh, testConfig } from './support/mesh.js';
import { AUDIENCE, startTestProvider, type TestProvider } from './support/oidc-provider.js';
import { runMeshgate } from './support/cli.js';
import { teamProduct } from './support/team-product.js';

/**
 * Tokens from a real OpenID provider (oidc-provider on loopback): discovery, client
 * credentials on /graphql and on the registry, key rotation mid-traffic, a removed key, a
 * `kid` storm, the provider down at start and killed and restarted later.
 */
const QUERY = '{ order(id: "42") { id status customer { name } } }';
const CLIENTS = [
  {
    id: 'ci-pipeline',
    secret: 'ci-secret',
    claims: { roles: ['analyst'], teams: ['sales'], purpose: 'support' },
  },
  { id: 'steward-app', secret: 'steward-secret', claims: { roles: ['data-steward'] } },
  { id: 'zoo-ci', secret: 'zoo-secret', claims: { teams: ['zoo-team'] } },
  { id: 'farm-ci', secret: 'farm-secret', claims: { teams: ['farm-team'] } },
];
const logger = createLogger('silent');
const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

let mesh: RunningMesh;
let provider: TestProvider;
const gateways: RunningGateway[] = [];
const cleanup: (() => Promise<void> | void)[] = [];

async function oidcGateway(env: Record<string, string> = {}): Promise<RunningGateway> {
  const config = testConfig({
    OIDC_ISSUER: provider.issuer,
    OIDC_AUDIENCE: AUDIENCE,
    MESHGATE_SLI: 'off',
    MESHGATE_INCIDENTS: 'off',
    ...env,
  });
  const subgraphUrls = Object.fromEntries(mesh.subgraphs.map((s) => [s.name, s.url]));
  const gateway = await startGateway({ ...config, port: 0, subgraphUrls }, logger);
  gateways.push(gateway);
  return gateway;
}
const base = (g: RunningGateway) => g.url.replace('/graphql', '');
const ready = async (g: RunningGateway) => {
  const response = await fetch(`${base(g)}/ready`);
  return { status: response.status, body: (await response.json()) as ReadyBody };
};
interface ReadyBody {
  ready: boolean;
  identityProvider?: { status: string; keys: string[]; fetches: number; jwksUri: string; reason?: string };
}
const codeOf = (r: Awaited<ReturnType<typeof graphql>>) =>
  `${r.status} ${String(r.body.errors?.[0]?.extensions?.code ?? 'ok')} ${String(r.body.errors?.[0]?.extensions?.reason ?? '')}`.trim();

beforeAll(async () => {
  mesh = await sharedMesh();
  provider = await startTestProvider({ clients: CLIENTS });
  cleanup.push(() => provider.stop());
});

afterAll(async () => {
  for (const g of gateways) await g.stop();
  for (const c of cleanup.reverse()) await c();
});

describe('tokens from the identity provider', () => {
  let gateway: RunningGateway;
  beforeAll(async () => {
    gateway = await oidcGateway({ JWKS_REFRESH_SECONDS: '2', JWKS_COOLDOWN_SECONDS: '1' });
  });

  it('discovers the JWKS and verifies a client-credentials token on /graphql; the client is the principal in lineage', async () => {
    await vi.waitFor(async () => expect((await ready(gateway)).body.identityProvider?.status).toBe('ok'), {
      timeout: 30_000,
      interval: 100,
    });
    const { status, body } = await ready(gateway);
    expect(status).toBe(200);
    expect(body.identityProvider).toMatchObject({
      status: 'ok',
      jwksUri: `${provider.issuer}/jwks`,
      keys: expect.arrayContaining([provider.signingKid()]),
    });
    expect(provider.fetches.discovery).toBeGreaterThanOrEqual(1);
    const token = await provider.clientToken('ci-pipeline');
    expect(jwt.decode(token)).toMatchObject({
      iss: provider.issuer,
      aud: 'meshgate',
      client_id: 'ci-pipeline',
    });
    const answer = await graphql(gateway.url, QUERY, { headers: bearer(token) });
    expect(codeOf(answer)).toBe('200 ok');
    expect(answer.body.data).toMatchObject({ order: { id: '42', customer: { name: expect.any(String) } } });
    // Lineage names the client (a steward app reads it).
    const steward = await provider.clientToken('steward-app');
    await vi.waitFor(
      async () => {
        const lineage = await fetch(`${base(gateway)}/admin/lineage?principal=ci-pipeline&since=1h`, {
          headers: bearer(steward),
        });
        expect(lineage.status).toBe(200);
        const text = await lineage.text();
        expect(text).toContain('ci-pipeline');
      },
      { timeout: 30_000, interval: 100 },
    );
    console.log(
      `discovery: ${provider.fetches.discovery} discovery fetch(es), ${provider.fetches.jwks} JWKS fetch(es); /ready identityProvider=${JSON.stringify((await ready(gateway)).body.identityProvider)}`,
    );
  });

  it('refuses a token for another audience or issuer, HS256 and none, with 401 and the reason', async () => {
    const otherAudience = await provider.clientToken('ci-pipeline', 'urn:billing');
    expect(jwt.decode(otherAudience)).toMatchObject({ aud: 'billing' });
    expect(codeOf(await graphql(gateway.url, QUERY, { headers: bearer(otherAudience) }))).toBe(
      '401 TOKEN_INVALID audience',
    );
    const stranger = await startTestProvider({ clients: CLIENTS });
    cleanup.push(() => stranger.stop());
    expect(
      codeOf(
        await graphql(gateway.url, QUERY, { headers: bearer(await stranger.clientToken('ci-pipeline')) }),
      ),
    ).toBe('401 TOKEN_INVALID issuer');
    const claims = { sub: 'mallory', iss: provider.issuer, aud: AUDIENCE, roles: ['data-steward'] };
    const hs = jwt.sign(claims, 'x'.repeat(32), { algorithm: 'HS256', expiresIn: 60 });
    const none = jwt.sign(claims, null, { algorithm: 'none' });
    for (const token of [hs, none])
      expect(codeOf(await graphql(gateway.url, QUERY, { headers: bearer(token) }))).toBe(
        '401 TOKEN_INVALID algorithm',
      );
  });

  it('follows a key rotation mid-traffic with no failed request and no restart; a removed key is refused after the refresh', async () => {
    const oldKid = provider.signingKid();
    const oldToken = await provider.clientToken('ci-pipeline');
    let token = oldToken;
    const statuses = new Map<string, number>();
    let rotatedAt = -1;
    let sent = 0;
    const fetchesBefore = provider.fetches.jwks;
    const started = Date.now();
    // Three clients querying for 4 s, and on until 10 requests went after the rotation (a loaded
    // machine answers fewer in 4 s; 30 s at most); at 1 s the provider rotates and hands out
    // new-key tokens.
    const afterRotation = () => (rotatedAt < 0 ? 0 : sent - rotatedAt);
    const more = () => {
      const elapsed = Date.now() - started;
      return elapsed < 4_000 || (afterRotation() < 10 && elapsed < 30_000);
    };
    const worker = async () => {
      while (more()) {
        const answer = await graphql(gateway.url, QUERY, { headers: bearer(token) });
        sent++;
        const key = codeOf(answer);
        statuses.set(key, (statuses.get(key) ?? 0) + 1);
        if (rotatedAt < 0 && Date.now() - started > 1_000) {
          rotatedAt = sent;
          await provider.rotate();
          token = await provider.clientToken('ci-pipeline');
        }
      }
    };
    await Promise.all([worker(), worker(), worker()]);
    const newKid = provider.signingKid();
    expect(newKid).not.toBe(oldKid);
    expect((jwt.decode(token, { complete: true })!.header as { kid: string }).kid).toBe(newKid);
    expect([...statuses]).toEqual([['200 ok', sent]]);
    expect(afterRotation()).toBeGreaterThanOrEqual(10);
    console.log(
      `rotation: ${sent} requests (rotated after ${rotatedAt}), all 200; JWKS fetches during it: ${provider.fetches.jwks - fetchesBefore}`,
    );
    // The old key is still published: its tokens still verify.
    expect(codeOf(await graphql(gateway.url, QUERY, { headers: bearer(oldToken) }))).toBe('200 ok');
    provider.removeKey(oldKid);
    // After the refresh interval (2 s) the gateway's cache no longer holds it.
    await vi.waitFor(
      async () => {
        await graphql(gateway.url, QUERY, { headers: bearer(token) });
        expect((await ready(gateway)).body.identityProvider?.keys).not.toContain(oldKid);
      },
      { timeout: 15_000, interval: 250 },
    );
    expect(codeOf(await graphql(gateway.url, QUERY, { headers: bearer(oldToken) }))).toBe(
      '401 TOKEN_INVALID unknown_key',
    );
    expect(codeOf(await graphql(gateway.url, QUERY, { headers: bearer(token) }))).toBe('200 ok');
    console.log(`removed key ${oldKid}: refused (unknown_key) after the refresh; new key ${newKid} verifies`);
  });

  it('keeps verifying with the cached keys while the provider is killed, and follows it when it is back', async () => {
    const token = await provider.clientToken('ci-pipeline');
    expect(codeOf(await graphql(gateway.url, QUERY, { headers: bearer(token) }))).toBe('200 ok');
    await provider.stop();
    // Past the refresh interval: the background refresh fails, the keys stay.
    await vi.waitFor(
      async () => {
        expect(codeOf(await graphql(gateway.url, QUERY, { headers: bearer(token) }))).toBe('200 ok');
        expect((await ready(gateway)).body.identityProvider?.status).toBe('degraded');
      },
      { timeout: 15_000, interval: 250 },
    );
    const down = (await ready(gateway)).body;
    expect(down.ready).toBe(true);
    expect(down.identityProvider?.reason).toMatch(/fetch failed|ECONNREFUSED/);
    let served = 0;
    for (let i = 0; i < 20; i++) {
      expect(codeOf(await graphql(gateway.url, QUERY, { headers: bearer(token) }))).toBe('200 ok');
      served++;
    }
    console.log(
      `provider killed: /ready identityProvider=${JSON.stringify(down.identityProvider)}; ${served} requests served from cached keys`,
    );
    await provider.start();
    await vi.waitFor(
      async () => {
        await graphql(gateway.url, QUERY, { headers: bearer(token) });
        expect((await ready(gateway)).body.identityProvider?.status).toBe('ok');
      },
      { timeout: 15_000, interval: 250 },
    );
    expect(
      codeOf(
        await graphql(gateway.url, QUERY, { headers: bearer(await provider.clientToken('ci-pipeline')) }),
      ),
    ).toBe('200 ok');
  });
});

describe('meshgate policy explain', () => {
  it("shows the principal a real token's claims map to, and decides on it", async () => {
    const token = await provider.clientToken('ci-pipeline');
    const cli = await runMeshgate(
      ['policy', 'explain', '--token', token, '--query', '{ customer(id: "1") { name email phone } }'],
      {
        OIDC_ISSUER: provider.issuer,
        OIDC_AUDIENCE: AUDIENCE,
        LOG_LEVEL: 'silent',
      },
    );
    expect(cli.code, cli.stderr).toBe(0);
    expect(cli.stderr).toMatch(
      /^principal ci-pipeline: roles \[analyst\] · teams \[sales\] · scopes \[read\] · purpose=support · expires /m,
    );
    expect(cli.stdout).toMatch(/Customer\.email \| mask:hash \(analyst-email-hashed\)/);
    expect(cli.stdout).toMatch(/Customer\.phone \| deny \(analyst-no-phone\)/);
    console.log(`policy explain (stderr): ${cli.stderr.trim()}\n${cli.stdout.trim()}`);
  });
});

describe('a burst of tokens with random kids', () => {
  it('causes at most one JWKS fetch per cooldown interval', async () => {
    const gateway = await oidcGateway({ JWKS_REFRESH_SECONDS: '300', JWKS_COOLDOWN_SECONDS: '3' });
    const good = await provider.clientToken('ci-pipeline');
    expect(codeOf(await graphql(gateway.url, QUERY, { headers: bearer(good) }))).toBe('200 ok');
    const forged = async () => {
      const { privateKey } = await generateKeyPair('ES256');
      return new SignJWT({ roles: ['data-steward'] })
        .setProtectedHeader({ alg: 'ES256', kid: `random-${Math.random().toString(36).slice(2)}` })
        .setIssuer(provider.issuer)
        .setAudience(AUDIENCE)
        .setSubject('mallory')
        .setExpirationTime('5m')
        .sign(privateKey);
    };
    const tokens = await Promise.all(Array.from({ length: 200 }, forged));
    const storm = async () => {
      const before = provider.fetches.jwks;
      const codes = new Map<string, number>();
      for (let i = 0; i < tokens.length; i += 20) {
        const answers = await Promise.all(
          tokens.slice(i, i + 20).map((t) => graphql(gateway.url, QUERY, { headers: bearer(t) })),
        );
        for (const a of answers) codes.set(codeOf(a), (codes.get(codeOf(a)) ?? 0) + 1);
      }
      return { fetches: provider.fetches.jwks - before, codes: Object.fromEntries(codes) };
    };
    // At most one JWKS fetch per 3 s interval, however many tokens: a storm that outlasts an
    // interval (a loaded machine) may make one more per interval it spans, never one per token.
    const allowed = (ms: number) => 1 + Math.floor(ms / 3_000);
    const started = Date.now();
    const first = await storm();
    const firstMs = Date.now() - started;
    expect(first.codes).toEqual({ '401 TOKEN_INVALID unknown_key': 200 });
    expect(first.fetches).toBeGreaterThanOrEqual(1);
    expect(first.fetches).toBeLessThanOrEqual(allowed(firstMs));
    // The next interval: one more fetch at most, however many tokens.
    // (The interval itself is what is tested: a full one after the first storm's last fetch.)
    await new Promise((resolve) => setTimeout(resolve, 3_050));
    const secondStarted = Date.now();
    const second = await storm();
    expect(second.fetches).toBeLessThanOrEqual(allowed(Date.now() - secondStarted));
    // A new interval began since the last fetch: the first unknown kid of this storm fetches.
    expect(second.fetches).toBeGreaterThanOrEqual(1);
    expect(codeOf(await graphql(gateway.url, QUERY, { headers: bearer(good) }))).toBe('200 ok');
    console.log(
      `kid storm: 200 tokens with random kids in ${firstMs} ms -> ${first.fetches} JWKS fetch; next interval 200 more -> ${second.fetches} fetch; all 401 unknown_key`,
    );
  });
});

describe('the provider down at start', () => {
  it('the gateway starts, serves anonymous requests, says why at /ready, answers tokens 401 IDENTITY_PROVIDER_UNAVAILABLE without a hang, and recovers', async () => {
    const token = await provider.clientToken('ci-pipeline');
    await provider.stop();
    try {
      const gateway = await oidcGateway({ JWKS_COOLDOWN_SECONDS: '1' });
      const anonymous = await graphql(gateway.url, QUERY);
      expect(codeOf(anonymous)).toBe('200 ok');
      const started = Date.now();
      const refused = await graphql(gateway.url, QUERY, { headers: bearer(token) });
      const ms = Date.now() - started;
      expect(codeOf(refused)).toBe('401 IDENTITY_PROVIDER_UNAVAILABLE provider_unavailable');
      expect(ms).toBeLessThan(3_000);
      const { status, body } = await ready(gateway);
      expect(status).toBe(200);
      expect(body.identityProvider).toMatchObject({ status: 'unavailable', keys: [] });
      expect(body.identityProvider?.reason).toMatch(/fetch failed|ECONNREFUSED/);
      console.log(
        `provider down at start: anonymous 200, token 401 IDENTITY_PROVIDER_UNAVAILABLE in ${ms} ms; /ready ${status} ${JSON.stringify(body.identityProvider)}`,
      );
      await provider.start();
      // No token is sent until /ready says ok: the gateway retries the fetch on its own.
      const back = Date.now();
      await vi.waitFor(async () => expect((await ready(gateway)).body.identityProvider?.status).toBe('ok'), {
        timeout: 15_000,
        interval: 100,
      });
      console.log(`provider back: /ready ok after ${Date.now() - back} ms with no token sent meanwhile`);
      expect(codeOf(await graphql(gateway.url, QUERY, { headers: bearer(token) }))).toBe('200 ok');
    } finally {
      await provider.start().catch(() => undefined);
    }
  });
});

describe('the registry', () => {
  it('lets a CI client publish its team product with a client-credentials token, and names it in the audit log', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'meshgate-oidc-registry-'));
    cleanup.push(() => rmSync(dir, { recursive: true, force: true }));
    const config = testConfig({
      OIDC_ISSUER: provider.issuer,
      OIDC_AUDIENCE: AUDIENCE,
      REGISTRY_DIR: dir,
      MESHGATE_STATE_DIR: dir,
      MESHGATE_LINEAGE: 'off',
    });
    const registry = await startRegistryServer(config, logger, { port: 0 });
    cleanup.push(() => registry.stop());
    const zoo = teamProduct({ name: 'zoo', team: 'zoo-team', entity: 'Animal' });
    const publish = (token: string) =>
      fetch(`${registry.url}/registry/v1/products/zoo/publish`, {
        method: 'POST',
        headers: { ...bearer(token), 'content-type': 'application/json' },
        body: JSON.stringify({ sdl: zoo.sdl, contract: zoo.contract, url: 'http://127.0.0.1:9/graphql' }),
      });
    const wrongTeam = await publish(await provider.clientToken('farm-ci'));
    expect(wrongTeam.status).toBe(403);
    const published = await publish(await provider.clientToken('zoo-ci'));
    expect(published.status, await published.clone().text()).toBeLessThan(300);
    const audit = await fetch(`${registry.url}/registry/v1/audit?product=zoo`, {
      headers: bearer(await provider.clientToken('zoo-ci')),
    });
    expect(audit.status).toBe(200);
    const entries = (
      (await audit.json()) as { entries: { subject: string; teams: string[]; outcome?: string }[] }
    ).entries;
    expect(entries.map((e) => [e.subject, e.teams])).toEqual(
      expect.arrayContaining([
        ['zoo-ci', ['zoo-team']],
        ['farm-ci', ['farm-team']],
      ]),
    );
    console.log(
      `registry: farm-ci refused ${wrongTeam.status}; zoo-ci published ${published.status}; audit ${JSON.stringify(entries.map((e) => `${e.subject} [${e.teams.join(',')}]`))}`,
    );
  });
});

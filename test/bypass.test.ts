import { generateKeyPairSync } from 'node:crypto';
import jwt from 'jsonwebtoken';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONTEXT_TOKEN_HEADER } from '../gateway/protocol/index.js';
import { contextTokenKey, createContextTokenSigner } from '../gateway/subgraph-fetch/context-token.js';
import { loadConfig } from '../gateway/config/config.js';
import { createLogger } from '../gateway/common/logger.js';
import type { RunningMesh } from '../gateway/cli/mesh.js';
import { startGateway, type RunningGateway } from '../gateway/server.js';
import { graphql, sharedMesh, testConfig } from './support/mesh.js';
import { personaHeaders } from './support/personas.js';

/**
 * No bypass: a data product answers only requests that carry a valid, unexpired context token
 * signed by the gateway — root queries, `_entities` and `_service` alike. Everything else is
 * 401 CONTEXT_TOKEN_INVALID, before any resolver runs.
 */
let mesh: RunningMesh;
beforeAll(async () => {
  mesh = await sharedMesh();
});

const config = testConfig();
const key = contextTokenKey(config.security.contextToken, config.stateDir);
const principal = {
  sub: 'mallory',
  anonymous: false,
  roles: ['data-steward'],
  scopes: [],
  teams: [],
  attributes: {},
};
const claims = { anon: false, roles: ['data-steward'], scopes: [], attrs: {} };
const validToken = () => createContextTokenSigner(key, 60).sign(principal);
const forged = () =>
  jwt.sign(claims, generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey, {
    algorithm: 'ES256',
    expiresIn: 60,
    issuer: 'meshgate-gateway',
    audience: 'meshgate-subgraph',
    subject: 'mallory',
  });
const expired = () =>
  jwt.sign({ ...claims, exp: Math.floor(Date.now() / 1000) - 120 }, key, {
    algorithm: 'ES256',
    issuer: 'meshgate-gateway',
    audience: 'meshgate-subgraph',
    subject: 'mallory',
  });
const unsigned = () =>
  `${Buffer.from('{"alg":"none","typ":"JWT"}').toString('base64url')}.${Buffer.from(JSON.stringify({ ...claims, sub: 'mallory', iss: 'meshgate-gateway', aud: 'meshgate-subgraph', exp: Math.floor(Date.now() / 1000) + 60 })).toString('base64url')}.`;

const operations = {
  root: '{ __typename }',
  _service: '{ _service { sdl } }',
  _entities: 'query($r: [_Any!]!) { _entities(representations: $r) { __typename } }',
};

async function direct(url: string, query: string, token: string | undefined) {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { [CONTEXT_TOKEN_HEADER]: token } : {}) },
    body: JSON.stringify({ query, variables: { r: [] } }),
  });
  return {
    status: response.status,
    body: (await response.json()) as { data?: unknown; errors?: { extensions?: { code?: string } }[] },
  };
}

describe('direct subgraph calls', () => {
  const cases: [string, () => string | undefined][] = [
    ['no context token', () => undefined],
    ['a forged context token (another key)', forged],
    ['an expired context token', expired],
    ['an unsigned (alg none) context token', unsigned],
    [
      'a user bearer token in place of a context token',
      () => personaHeaders('data-steward').authorization!.slice(7),
    ],
  ];
  for (const [label, token] of cases) {
    it(`are refused with ${label}: every subgraph, every operation`, async () => {
      let refused = 0;
      for (const subgraph of mesh.subgraphs) {
        for (const query of Object.values(operations)) {
          const { status, body } = await direct(subgraph.url, query, token());
          expect(status).toBe(401);
          expect(body.errors?.[0]?.extensions?.code).toBe('CONTEXT_TOKEN_INVALID');
          expect(body.data).toBeUndefined();
          refused += 1;
        }
      }
      expect(refused).toBe(mesh.subgraphs.length * 3);
    });
  }

  it("are answered with a valid context token (the gateway's)", async () => {
    for (const subgraph of mesh.subgraphs) {
      const service = await direct(subgraph.url, operations._service, validToken());
      expect(service.status).toBe(200);
      expect(JSON.stringify(service.body.data)).toContain('@key');
      const entities = await direct(subgraph.url, operations._entities, validToken());
      expect(entities.status).toBe(200);
      expect(entities.body).toEqual({ data: { _entities: [] } });
    }
  });

  it('leave health and readiness open', async () => {
    const health = await fetch(mesh.subgraphs[0]!.url.replace('/graphql', '/health'));
    expect(health.status).toBe(200);
  });
});

describe('the gateway signs every fetch', () => {
  let composed: RunningGateway | undefined;
  afterAll(async () => {
    await composed?.stop();
  });

  it('serves the mesh (its fetches carry the token)', async () => {
    const { status, body } = await graphql(
      mesh.gateway.url,
      '{ order(id: "22") { id customer { name } payments { method } shipments { carrier } } }',
    );
    expect(status).toBe(200);
    expect(body).toEqual({
      data: {
        order: {
          id: '22',
          customer: { name: 'Tim Dijkstra' },
          payments: [{ method: 'CARD' }, { method: 'INVOICE' }],
          shipments: [{ carrier: 'DPD' }],
        },
      },
    });
  });

  it('composes from live subgraphs in development: its own _service calls carry the token', async () => {
    const urls = mesh.subgraphs.map((s) => `${s.name}=${s.url}`).join(',');
    const introspect = loadConfig(
      {
        NODE_ENV: 'test',
        LOG_LEVEL: 'silent',
        HOST: '127.0.0.1',
        MESHGATE_LINEAGE: 'off',
        SUBGRAPH_URLS: urls,
      },
      { introspect: true, port: 0 },
    );
    composed = await startGateway(introspect, createLogger('silent'));
    const { status, body } = await graphql(composed.url, '{ order(id: "22") { id customer { name } } }');
    expect(status).toBe(200);
    expect(body).toEqual({ data: { order: { id: '22', customer: { name: 'Tim Dijkstra' } } } });
  });
});

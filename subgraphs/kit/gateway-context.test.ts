import { generateKeyPairSync } from 'node:crypto';
import Fastify from 'fastify';
import jwt from 'jsonwebtoken';
import { afterAll, describe, expect, it } from 'vitest';
import { CONTEXT_TOKEN_HEADER, PROTOCOL_VERSION, signContextToken } from '../../gateway/protocol/index.js';
import { requireGatewayContext } from './gateway-context.js';

describe('requireGatewayContext', () => {
  const key = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey;
  const app = Fastify();
  requireGatewayContext(app, '/graphql', key);
  app.post('/graphql', async () => ({ data: { ok: true } }));
  app.get('/health', async () => ({ status: 'ok' }));
  afterAll(() => app.close());

  const post = (token?: string, url = '/graphql') =>
    app.inject({
      method: 'POST',
      url,
      headers: token ? { [CONTEXT_TOKEN_HEADER]: token } : {},
      payload: { query: '{ _service { sdl } }' },
    });
  const principal = {
    sub: 'ana',
    anonymous: false,
    roles: ['analyst'],
    scopes: [],
    teams: [],
    attributes: { purpose: 'x' },
  };
  const claims = { anon: false, roles: [], scopes: [], attrs: {} };

  it('passes a valid context token', async () => {
    const response = await post(signContextToken(key, principal, undefined, 30));
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ data: { ok: true } });
  });

  it('passes a token without a protocol version (signed before `v` existed)', async () => {
    const token = jwt.sign(claims, key, {
      algorithm: 'ES256',
      issuer: 'meshgate-gateway',
      audience: 'meshgate-subgraph',
      subject: 'x',
      expiresIn: 30,
    });
    expect((await post(token)).statusCode).toBe(200);
  });

  it.each([
    ['missing', () => undefined],
    [
      'forged',
      () =>
        jwt.sign(claims, 'y'.repeat(32), {
          algorithm: 'HS256',
          issuer: 'meshgate-gateway',
          audience: 'meshgate-subgraph',
          subject: 'x',
          expiresIn: 30,
        }),
    ],
    [
      'expired',
      () =>
        jwt.sign({ ...claims, exp: Math.floor(Date.now() / 1000) - 5 }, key, {
          algorithm: 'ES256',
          issuer: 'meshgate-gateway',
          audience: 'meshgate-subgraph',
          subject: 'x',
        }),
    ],
    [
      'for another audience',
      () =>
        jwt.sign(claims, key, {
          algorithm: 'ES256',
          issuer: 'meshgate-gateway',
          audience: 'meshgate',
          subject: 'x',
          expiresIn: 30,
        }),
    ],
    [
      'of an unknown protocol version',
      () =>
        jwt.sign({ ...claims, v: PROTOCOL_VERSION + 1 }, key, {
          algorithm: 'ES256',
          issuer: 'meshgate-gateway',
          audience: 'meshgate-subgraph',
          subject: 'x',
          expiresIn: 30,
        }),
    ],
    [
      'without a subject',
      () =>
        jwt.sign({ anon: false }, key, {
          algorithm: 'ES256',
          issuer: 'meshgate-gateway',
          audience: 'meshgate-subgraph',
          expiresIn: 30,
        }),
    ],
  ])('refuses a %s token with 401 CONTEXT_TOKEN_INVALID', async (_label, token) => {
    for (const url of ['/graphql', '/graphql?query={__typename}']) {
      const response = await post(token(), url);
      expect(response.statusCode).toBe(401);
      expect(response.json()).toMatchObject({ errors: [{ extensions: { code: 'CONTEXT_TOKEN_INVALID' } }] });
    }
  });

  it('leaves other routes open', async () => {
    expect((await app.inject({ method: 'GET', url: '/health' })).statusCode).toBe(200);
  });
});

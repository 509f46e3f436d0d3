import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAuthenticate } from '../auth/authenticate.js';
import { STEWARD_ROLES } from '../auth/roles.js';
import { issueToken } from '../auth/token-issuer.js';
import { ErrorCode } from '../common/errors.js';
import { loadConfig } from '../config/config.js';
import { answer } from './admin-answer.js';
import { adminRoute } from './admin-route.js';
import { preflighted } from './csrf.js';

const stateDir = mkdtempSync(join(tmpdir(), 'meshgate-admin-route-'));
const { auth } = loadConfig({ MESHGATE_STATE_DIR: stateDir }).security;
const token = (roles: readonly string[], ttlSeconds = 60) =>
  `Bearer ${issueToken(auth, stateDir, { sub: 'sam', roles, ttlSeconds })}`;

let app: FastifyInstance;
beforeAll(() => {
  app = Fastify();
  // The authenticate /graphql uses, over this test's development key.
  const authenticate = createAuthenticate({ auth, stateDir });
  adminRoute(app, authenticate, {
    method: 'GET',
    url: '/admin/thing',
    roles: STEWARD_ROLES,
    forbidden: ErrorCode.SLO_FORBIDDEN,
    handle: (_request, principal) => answer({ hello: principal.sub }),
  });
  adminRoute<{ Params: { id: string } }>(app, authenticate, {
    method: 'POST',
    url: '/admin/thing/:id',
    roles: STEWARD_ROLES,
    forbidden: ErrorCode.SLO_FORBIDDEN,
    handle: (request) => answer({ changed: request.params.id }, 201),
  });
});
afterAll(async () => {
  await app.close();
  rmSync(stateDir, { recursive: true, force: true });
});

const get = (authorization?: string) =>
  app.inject({ url: '/admin/thing', headers: authorization ? { authorization } : {} });

describe('an admin route', () => {
  it('answers a bad or expired token 401 with its code and www-authenticate: Bearer', async () => {
    for (const authorization of ['Bearer not.a.jwt', token(['admin'], -60)]) {
      const response = await get(authorization);
      expect(response.statusCode).toBe(401);
      expect(response.headers['www-authenticate']).toBe('Bearer');
      expect(response.json()).toMatchObject({ error: { code: 'TOKEN_INVALID' } });
    }
  });

  it('refuses no token (anonymous) and a principal without the roles 403, naming the roles and the subject', async () => {
    const anonymous = await get();
    expect(anonymous.statusCode).toBe(403);
    expect(anonymous.json()).toEqual({
      error: {
        code: 'SLO_FORBIDDEN',
        message: 'GET /admin/thing needs role admin or data-steward; anonymous has none',
      },
    });
    const analyst = await get(token(['analyst']));
    expect(analyst.statusCode).toBe(403);
    expect(analyst.json()).toMatchObject({
      error: { code: 'SLO_FORBIDDEN', message: expect.stringMatching(/; sam has none$/) },
    });
  });

  it('answers a principal with one of the roles, uncached', async () => {
    const response = await get(token(['data-steward']));
    expect(response.statusCode).toBe(200);
    expect(response.headers['cache-control']).toBe('no-store');
    expect(response.json()).toEqual({ hello: 'sam' });
  });

  it('refuses a state-changing request a cross-site page could send, before authenticating it', async () => {
    const steward = token(['admin']);
    // No body and no content type (a bodiless fetch), or a text/plain one (a form's enctype).
    const simple = [
      { headers: { authorization: steward } },
      { headers: { authorization: steward, 'content-type': 'text/plain' }, payload: '{}' },
      { headers: { authorization: 'Bearer not.a.jwt', 'content-type': 'text/plain' }, payload: '{}' },
    ];
    for (const request of simple) {
      const response = await app.inject({ method: 'POST', url: '/admin/thing/7', ...request });
      expect(response.statusCode).toBe(400);
      expect(response.json()).toMatchObject({ error: { code: 'PREFLIGHT_REQUIRED' } });
    }
  });

  it('takes a state-changing request with a JSON body or a preflight header (the CLI, the console)', async () => {
    const steward = token(['admin']);
    const cli = await app.inject({
      method: 'POST',
      url: '/admin/thing/7',
      headers: { authorization: steward },
      payload: {},
    });
    expect(cli.statusCode).toBe(201);
    expect(cli.json()).toEqual({ changed: '7' });
    const bodiless = await app.inject({
      method: 'POST',
      url: '/admin/thing/8',
      headers: { authorization: steward, 'apollo-require-preflight': 'true' },
    });
    expect(bodiless.statusCode).toBe(201);
    // Past the CSRF rule, the route's own checks still apply.
    const analyst = await app.inject({
      method: 'POST',
      url: '/admin/thing/9',
      headers: { authorization: token(['analyst']) },
      payload: {},
    });
    expect(analyst.statusCode).toBe(403);
  });
});

describe('the CSRF rule (csrfPrevention)', () => {
  it('passes a non-simple content type or a non-empty preflight header, nothing else', () => {
    expect(preflighted({ 'content-type': 'application/json; charset=utf-8' })).toBe(true);
    expect(preflighted({ 'content-type': 'Application/JSON' })).toBe(true);
    expect(preflighted({ 'x-meshgate-csrf': 'token' })).toBe(true);
    expect(preflighted({ 'x-apollo-operation-name': 'Ack' })).toBe(true);
    expect(preflighted({})).toBe(false);
    expect(preflighted({ 'apollo-require-preflight': '' })).toBe(false);
    expect(preflighted({ 'content-type': 'text/plain; charset=utf-8' })).toBe(false);
    expect(preflighted({ 'content-type': 'application/x-www-form-urlencoded' })).toBe(false);
    expect(preflighted({ 'content-type': 'multipart/form-data; boundary=x' })).toBe(false);
  });
});

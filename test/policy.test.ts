import { generateKeyPairSync } from 'node:crypto';
import jwt from 'jsonwebtoken';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningMesh } from '../gateway/cli/mesh.js';
import type { RunningGateway } from '../gateway/server.js';
import { secretFor } from '../gateway/auth/index.js';
import { graphql, sharedMesh, testConfig } from './support/mesh.js';
import { bearer, gatewayOver, personaHeaders } from './support/personas.js';

/** The policy layer over HTTP: authentication failures, modes, introspection, enforcement before planning. */
let mesh: RunningMesh;
const gateways: RunningGateway[] = [];
const over = async (env: Record<string, string>, routes: Record<string, string> = {}) => {
  const gateway = await gatewayOver(mesh, env, routes);
  gateways.push(gateway);
  return gateway;
};
beforeAll(async () => {
  mesh = await sharedMesh();
});
afterAll(async () => {
  await Promise.all(gateways.map((g) => g.stop()));
});

const CONTACT = '{ customer(id: "4219") { name email } }';

describe('authentication', () => {
  const config = testConfig();
  const now = () => Math.floor(Date.now() / 1000);
  const userKey = secretFor('user-token', config.security.auth.secret, config.stateDir);
  const sign = (claims: object, key: jwt.Secret = Buffer.alloc(32, 1), options: jwt.SignOptions = {}) =>
    jwt.sign({ roles: ['data-steward'], ...claims }, key, {
      algorithm: 'HS256',
      issuer: 'meshgate',
      audience: 'meshgate',
      subject: 'eve',
      ...('exp' in claims ? {} : { expiresIn: 60 }),
      ...options,
    });
  // Signed with the key `meshgate token` uses, so only the claim under test is wrong.
  const devSigned = (claims: object, options: jwt.SignOptions = {}) => sign(claims, userKey, options);

  const cases: [string, () => string, string][] = [
    ['garbage', () => 'garbage', 'malformed'],
    ['expired', () => devSigned({ exp: now() - 3600 }), 'expired'],
    ['not yet valid', () => devSigned({ nbf: now() + 3600 }), 'not_yet_valid'],
    ['signed with another key', () => sign({}), 'signature'],
    [
      'alg none',
      () =>
        jwt.sign(
          { sub: 'eve', roles: ['data-steward'], iss: 'meshgate', aud: 'meshgate', exp: now() + 60 },
          null,
          { algorithm: 'none' },
        ),
      'algorithm',
    ],
    ['for another audience', () => devSigned({}, { audience: 'someone-else' }), 'audience'],
    ['from another issuer', () => devSigned({}, { issuer: 'evil' }), 'issuer'],
    [
      'RS256 with a key the gateway does not know',
      () =>
        jwt.sign({ sub: 'eve' }, generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey, {
          algorithm: 'RS256',
          issuer: 'meshgate',
          audience: 'meshgate',
          expiresIn: 60,
        }),
      'unknown_key',
    ],
  ];
  for (const [label, token, reason] of cases) {
    it(`a token ${label} gets 401 TOKEN_INVALID (${reason}) and no data`, async () => {
      const { status, body } = await graphql(mesh.gateway.url, CONTACT, { headers: bearer(token()) });
      expect(status).toBe(401);
      expect(body.data).toBeUndefined();
      expect(body.errors).toEqual([
        { message: `Invalid bearer token (${reason})`, extensions: { code: 'TOKEN_INVALID', reason } },
      ]);
    });
  }

  it('a non-Bearer Authorization header gets 401', async () => {
    const { status, body } = await graphql(mesh.gateway.url, CONTACT, {
      headers: { authorization: 'Basic YWxpY2U6c2VjcmV0' },
    });
    expect(status).toBe(401);
    expect(body.errors?.[0]?.extensions?.code).toBe('TOKEN_INVALID');
  });

  it('the process stays up and the next good token is served', async () => {
    const { status, body } = await graphql(mesh.gateway.url, CONTACT, {
      headers: personaHeaders('data-steward'),
    });
    expect(status).toBe(200);
    expect(body.data).toEqual({ customer: { name: 'Tim Dijkstra', email: 'tim.dijkstra4219@example.com' } });
  });

  it('AUTH_REQUIRED=true: no token is 401 UNAUTHENTICATED, a token is served', async () => {
    const gateway = await over({ AUTH_REQUIRED: 'true' });
    const anonymous = await graphql(gateway.url, CONTACT);
    expect(anonymous.status).toBe(401);
    expect(anonymous.body.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    const analyst = await graphql(gateway.url, CONTACT, { headers: personaHeaders('analyst') });
    expect(analyst.status).toBe(200);
    expect(analyst.body.data).toEqual({ customer: { name: 'Tim Dijkstra', email: 'h:4abac5050441466c' } });
  });
});

describe('enforcement before planning', () => {
  it('a denied field is never fetched: its subgraph is not even asked', async () => {
    // customers routed to a closed port: asking it at all would fail with SUBGRAPH_UNAVAILABLE.
    const gateway = await over({}, { customers: 'http://127.0.0.1:9/graphql' });
    const query = '{ order(id: "22") { id customer { email } } }';
    const anonymous = await graphql(gateway.url, query);
    expect(anonymous.body.data).toEqual({ order: { id: '22', customer: { email: null } } });
    expect(anonymous.body.errors?.map((e) => e.extensions?.code)).toEqual(['UNAUTHORIZED_FIELD_OR_TYPE']);
    const steward = await graphql(gateway.url, query, { headers: personaHeaders('data-steward') });
    expect(steward.body.errors?.map((e) => e.extensions?.code)).toContain('SUBGRAPH_UNAVAILABLE');
  });

  it("one principal's query plan never serves another (same text, alternating principals)", async () => {
    for (const round of [1, 2]) {
      const anonymous = await graphql(mesh.gateway.url, CONTACT);
      expect(anonymous.body.data, `round ${round}`).toEqual({
        customer: { name: 'Tim Dijkstra', email: null },
      });
      const steward = await graphql(mesh.gateway.url, CONTACT, { headers: personaHeaders('data-steward') });
      expect(steward.body.data, `round ${round}`).toEqual({
        customer: { name: 'Tim Dijkstra', email: 'tim.dijkstra4219@example.com' },
      });
    }
  });

  it('follows aliases, named and inline fragments, variables and @include/@skip', async () => {
    const query = `query Q($withPhone: Boolean!, $id: ID!) {
      c: customer(id: $id) { who: name ...Contact ... on Customer { tel: phone @include(if: $withPhone) born: birthDate @skip(if: true) } }
    }
    fragment Contact on Customer { mail: email }`;
    const analyst = personaHeaders('analyst');
    const withPhone = await graphql(mesh.gateway.url, query, {
      headers: analyst,
      variables: { withPhone: true, id: '4219' },
    });
    expect(withPhone.status).toBe(200);
    expect(withPhone.body.data).toEqual({
      c: { who: 'Tim Dijkstra', mail: expect.stringMatching(/^h:[0-9a-f]{16}$/), tel: null },
    });
    expect(withPhone.body.errors?.map((e) => [e.path, e.extensions?.rule])).toEqual([
      [['c', 'tel'], 'analyst-no-phone'],
    ]);
    // The phone is not selected at all: no null, no error (and the now-unused variable is fine).
    const withoutPhone = await graphql(mesh.gateway.url, query, {
      headers: analyst,
      variables: { withPhone: false, id: '4219' },
    });
    expect(withoutPhone.body.data).toEqual({
      c: {
        who: 'Tim Dijkstra',
        mail: withPhone.body.data?.c && (withPhone.body.data.c as { mail: string }).mail,
      },
    });
    expect(withoutPhone.body.errors).toBeUndefined();
  });

  it('a selection left empty keeps its parent, with each removed field null', async () => {
    const { body } = await graphql(mesh.gateway.url, '{ customer(id: "4219") { email phone } }');
    expect(body.data).toEqual({ customer: { email: null, phone: null } });
    expect(body.errors).toHaveLength(2);
  });
});

describe('modes', () => {
  it('reject: 403 naming every denied coordinate and rule; allowed operations still served', async () => {
    const gateway = await over({ POLICY_MODE: 'reject' });
    const denied = await graphql(gateway.url, '{ customer(id: "4219") { name email phone } }', {
      headers: personaHeaders('analyst'),
    });
    expect(denied.status).toBe(403);
    expect(denied.body.data).toBeUndefined();
    expect(denied.body.errors?.[0]?.extensions).toEqual({
      code: 'UNAUTHORIZED_FIELD_OR_TYPE',
      denied: [{ coordinate: 'Customer.phone', rule: 'analyst-no-phone' }],
    });
    const allowed = await graphql(gateway.url, CONTACT, { headers: personaHeaders('analyst') });
    expect(allowed.status).toBe(200);
    expect(allowed.body.data).toEqual({ customer: { name: 'Tim Dijkstra', email: 'h:4abac5050441466c' } });
  });

  it('dry-run: decisions in extensions, data unchanged', async () => {
    const gateway = await over({ POLICY_MODE: 'dry-run' });
    const { status, body } = await graphql(gateway.url, CONTACT);
    expect(status).toBe(200);
    expect(body.data).toEqual({ customer: { name: 'Tim Dijkstra', email: 'tim.dijkstra4219@example.com' } });
    expect(body.errors).toBeUndefined();
    expect(body.extensions?.policy).toEqual({
      mode: 'dry-run',
      decisions: [
        { coordinate: 'Query.customer', effect: 'allow', rule: null },
        { coordinate: 'Customer.name', effect: 'allow', rule: 'customer-name-shown' },
        { coordinate: 'Customer.email', effect: 'deny', rule: 'default-deny:pii' },
      ],
    });
  });

  it('MESHGATE_POLICY=off switches the authorize and mask stages off', async () => {
    const gateway = await over({ MESHGATE_POLICY: 'off' });
    const { body } = await graphql(gateway.url, CONTACT);
    expect(body).toEqual({
      data: { customer: { name: 'Tim Dijkstra', email: 'tim.dijkstra4219@example.com' } },
    });
  });
});

describe('introspection', () => {
  const TYPE = '{ __type(name: "Customer") { fields { name } } }';
  const names = (body: { data?: unknown }) =>
    ((body.data as { __type: { fields: { name: string }[] } }).__type.fields ?? []).map((f) => f.name);

  it('is filtered to what the principal may read', async () => {
    expect(names((await graphql(mesh.gateway.url, TYPE)).body)).toEqual([
      'id',
      'name',
      'country',
      'segment',
      'createdAt',
      'orders',
    ]);
    expect(
      names((await graphql(mesh.gateway.url, TYPE, { headers: personaHeaders('analyst') })).body),
    ).toEqual(['id', 'name', 'email', 'birthDate', 'country', 'segment', 'createdAt', 'orders']);
    expect(
      names((await graphql(mesh.gateway.url, TYPE, { headers: personaHeaders('data-steward') })).body),
    ).toEqual(['id', 'name', 'email', 'phone', 'birthDate', 'country', 'segment', 'createdAt', 'orders']);
  });

  it('may not be mixed with data fields (that would read the unfiltered schema)', async () => {
    const { status, body } = await graphql(
      mesh.gateway.url,
      '{ __schema { queryType { name } } customer(id: "1") { id } }',
    );
    expect(status).toBe(400);
    expect(body.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });

  it('can be switched off (403) or shown in full', async () => {
    const off = await over({ POLICY_INTROSPECTION: 'off' });
    const refused = await graphql(off.url, TYPE);
    expect(refused.status).toBe(403);
    expect(refused.body.errors?.[0]?.extensions?.code).toBe('UNAUTHORIZED_FIELD_OR_TYPE');
    const full = await over({ POLICY_INTROSPECTION: 'full' });
    expect(names((await graphql(full.url, TYPE)).body)).toContain('phone');
  });
});

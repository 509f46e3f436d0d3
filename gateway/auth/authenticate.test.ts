import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import jwt from 'jsonwebtoken';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../config/config.js';
import { ANONYMOUS } from './anonymous.js';
import { createAuthenticate } from './authenticate.js';
import { DEV_KEY_FILE, developmentKey, secretFor } from './dev-key.js';
import { issueToken } from './token-issuer.js';

const stateDir = mkdtempSync(join(tmpdir(), 'meshgate-auth-'));
afterAll(() => rmSync(stateDir, { recursive: true, force: true }));

const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
const pem = rsa.publicKey.export({ type: 'spki', format: 'pem' }).toString();
const jwk = { ...rsa.publicKey.export({ format: 'jwk' }), kid: 'k1', use: 'sig' };
writeFileSync(join(stateDir, 'public.pem'), pem);
writeFileSync(join(stateDir, 'jwks.json'), JSON.stringify({ keys: [jwk] }));

const config = (env: Record<string, string> = {}) => loadConfig({ MESHGATE_STATE_DIR: stateDir, ...env });
const authenticator = (env: Record<string, string> = {}) => {
  const c = config(env);
  return createAuthenticate({ auth: c.security.auth, stateDir: c.stateDir });
};
const now = () => Math.floor(Date.now() / 1000);
const bearer = (token: string) => `Bearer ${token}`;
const reasonOf = async (run: () => Promise<unknown>) => {
  try {
    await run();
  } catch (error) {
    const e = error as { extensions: { code: string; reason: string; http: { status: number } } };
    return `${e.extensions.http.status} ${e.extensions.code} ${e.extensions.reason}`;
  }
  return 'accepted';
};
const rs = (claims: object, options: jwt.SignOptions = {}) =>
  jwt.sign({ sub: 'rita', roles: ['finance'], ...claims }, rsa.privateKey, {
    algorithm: 'RS256',
    issuer: 'meshgate',
    audience: 'meshgate',
    expiresIn: 60,
    ...options,
  });

describe('development key', () => {
  it('is created once in the state directory and read back', () => {
    const first = developmentKey(stateDir);
    expect(first).toHaveLength(32);
    expect(developmentKey(stateDir).equals(first)).toBe(true);
    expect(DEV_KEY_FILE).toBe('dev-signing-key');
    // Each purpose has its own derived key.
    expect(
      secretFor('user-token', undefined, stateDir).equals(secretFor('context-token', undefined, stateDir)),
    ).toBe(false);
  });
});

describe('authenticate', () => {
  const authenticate = authenticator();

  it('no header: the anonymous principal; AUTH_REQUIRED=true: 401 UNAUTHENTICATED', async () => {
    expect(await authenticate(undefined)).toBe(ANONYMOUS);
    expect(await reasonOf(() => authenticator({ AUTH_REQUIRED: 'true' })(undefined))).toBe(
      '401 UNAUTHENTICATED missing',
    );
  });

  it('accepts a `meshgate token` (HS256, development key) and maps its claims', async () => {
    const token = issueToken(config().security.auth, stateDir, {
      sub: 'alice',
      roles: ['analyst'],
      scopes: ['read:orders', 'read:customers'],
      attributes: { purpose: 'support', region: 'eu' },
    });
    expect(await authenticate(bearer(token))).toMatchObject({
      sub: 'alice',
      anonymous: false,
      roles: ['analyst'],
      scopes: ['read:orders', 'read:customers'],
      attributes: { purpose: 'support', region: 'eu' },
    });
  });

  it('caches a verified token until it expires (the same principal object)', async () => {
    const token = issueToken(config().security.auth, stateDir, { sub: 'bob', roles: ['finance'] });
    expect(await authenticate(bearer(token))).toBe(await authenticate(bearer(token)));
  });

  it('RS256 with a PEM file, an inline PEM, or a JWKS file (by kid); scopes as an array', async () => {
    const fromFile = authenticator({ JWT_PUBLIC_KEY_FILE: join(stateDir, 'public.pem') });
    expect(await fromFile(bearer(rs({ scope: ['a', 'b'] })))).toMatchObject({
      sub: 'rita',
      roles: ['finance'],
      scopes: ['a', 'b'],
    });
    expect(await authenticator({ JWT_PUBLIC_KEY: pem })(bearer(rs({})))).toMatchObject({ sub: 'rita' });
    const fromJwks = authenticator({ JWT_JWKS_FILE: join(stateDir, 'jwks.json') });
    expect(await fromJwks(bearer(rs({}, { keyid: 'k1' })))).toMatchObject({ sub: 'rita' });
    expect(await reasonOf(() => fromJwks(bearer(rs({}, { keyid: 'k2' }))))).toBe(
      '401 TOKEN_INVALID unknown_key',
    );
  });

  it('maps nested claims with dotted paths: subject, roles, teams, attributes', async () => {
    const keycloak = authenticator({
      JWT_PUBLIC_KEY: pem,
      JWT_CLAIM_SUBJECT: 'preferred_username,sub',
      JWT_CLAIM_ROLES: 'realm_access.roles',
      JWT_CLAIM_TEAMS: 'groups',
      JWT_CLAIM_ATTRIBUTES: 'purpose=ctx.purpose,countries=ctx.countries',
    });
    expect(
      await keycloak(
        bearer(
          rs({
            roles: undefined,
            preferred_username: 'rita.r',
            realm_access: { roles: ['support'] },
            groups: ['sales', 'finance'],
            ctx: { purpose: 'support', countries: ['DE', 'AT'] },
          }),
        ),
      ),
    ).toMatchObject({
      sub: 'rita.r',
      roles: ['support'],
      teams: ['sales', 'finance'],
      attributes: { purpose: 'support', countries: ['DE', 'AT'] },
    });
    // A client-credentials token has no `sub` at some providers: the client id names it.
    const app = await authenticator({ JWT_PUBLIC_KEY: pem })(
      bearer(rs({ sub: undefined, client_id: 'ci-bot' })),
    );
    expect(app).toMatchObject({ sub: 'ci-bot', teams: [] });
  });

  const userKey = () => secretFor('user-token', undefined, stateDir);
  const hs = (claims: object, options: jwt.SignOptions = {}) =>
    jwt.sign({ sub: 'eve', ...claims }, userKey(), {
      algorithm: 'HS256',
      issuer: 'meshgate',
      audience: 'meshgate',
      ...('exp' in claims ? {} : { expiresIn: 60 }),
      ...options,
    });

  it.each([
    ['malformed', () => 'not.a.jwt', 'malformed'],
    ['expired', () => hs({ exp: now() - 120 }), 'expired'],
    ['expired within the clock tolerance (accepted)', () => hs({ exp: now() - 10 }), 'accepted'],
    ['not yet valid', () => hs({ nbf: now() + 120 }), 'not_yet_valid'],
    [
      'wrong key',
      () =>
        jwt.sign({ sub: 'eve' }, 'x'.repeat(32), {
          algorithm: 'HS256',
          issuer: 'meshgate',
          audience: 'meshgate',
          expiresIn: 60,
        }),
      'signature',
    ],
    [
      'alg none',
      () => jwt.sign({ sub: 'eve', iss: 'meshgate', aud: 'meshgate' }, null, { algorithm: 'none' }),
      'algorithm',
    ],
    [
      'an algorithm outside the allow-list',
      () =>
        jwt.sign({ sub: 'eve' }, userKey(), {
          algorithm: 'HS512',
          issuer: 'meshgate',
          audience: 'meshgate',
          expiresIn: 60,
        }),
      'algorithm',
    ],
    ['wrong audience', () => hs({}, { audience: 'other' }), 'audience'],
    ['wrong issuer', () => hs({}, { issuer: 'other' }), 'issuer'],
    ['an RS256 token with no RSA key configured', () => rs({}), 'unknown_key'],
  ])('a token %s → 401 TOKEN_INVALID', async (_label, token, reason) => {
    expect(await reasonOf(() => authenticate(bearer(token())))).toBe(
      reason === 'accepted' ? 'accepted' : `401 TOKEN_INVALID ${reason}`,
    );
  });

  it('refuses a configuration that would accept none, and a bad key file, at start', () => {
    expect(() => config({ JWT_ALGORITHMS: 'HS256,none' })).toThrow(
      /JWT_ALGORITHMS="HS256,none": must be a list of HS256, HS384, HS512, RS256, .*, EdDSA \(never none\); got none/,
    );
    expect(() => authenticator({ JWT_JWKS_FILE: join(stateDir, 'missing.json') })).toThrow(
      /JWT_JWKS_FILE: cannot read/,
    );
    expect(() => authenticator({ JWT_PUBLIC_KEY: '-----BEGIN nonsense' })).toThrow(/not a PEM public key/);
  });
});

import { generateKeyPairSync } from 'node:crypto';
import jwt from 'jsonwebtoken';
import { describe, expect, it } from 'vitest';
import type { Principal } from '../common/types.js';
import {
  CONTEXT_TOKEN_AUDIENCE,
  CONTEXT_TOKEN_ISSUER,
  contextTokenKid,
  createContextTokenVerifier,
  PROTOCOL_VERSION,
  signContextToken,
  type RowFilterClaims,
} from './index.js';

const key = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey;
const principal: Principal = {
  sub: 'rita',
  anonymous: false,
  roles: ['analyst'],
  scopes: ['read'],
  teams: [],
  attributes: { region: 'eu' },
};
const filters: RowFilterClaims = {
  customers: [
    { type: 'Customer', rule: 'eu-only', where: { kind: 'compare', field: 'region', op: 'eq', value: 'eu' } },
  ],
};

describe('the context token of the protocol', () => {
  it('round-trips the principal and the row filters, and carries the protocol version', () => {
    const token = signContextToken(key, principal, filters, 60);
    expect(jwt.decode(token)).toMatchObject({
      v: PROTOCOL_VERSION,
      iss: CONTEXT_TOKEN_ISSUER,
      aud: CONTEXT_TOKEN_AUDIENCE,
      sub: 'rita',
      filters,
    });
    expect(jwt.decode(token, { complete: true })?.header).toMatchObject({
      alg: 'ES256',
      kid: contextTokenKid(key),
    });
    const claims = createContextTokenVerifier(key)(token);
    expect(claims?.principal).toMatchObject({
      sub: 'rita',
      roles: ['analyst'],
      attributes: { region: 'eu' },
    });
    expect(claims?.filters).toEqual(filters);
  });

  it('has no filters claim when none apply', () => {
    const token = signContextToken(key, principal, undefined, 60);
    expect(jwt.decode(token)).not.toHaveProperty('filters');
    expect(createContextTokenVerifier(key)(token)?.filters).toEqual({});
  });

  it('refuses a token of another protocol version', () => {
    const token = jwt.sign({ v: PROTOCOL_VERSION + 1, anon: false }, key, {
      algorithm: 'ES256',
      issuer: CONTEXT_TOKEN_ISSUER,
      audience: CONTEXT_TOKEN_AUDIENCE,
      subject: 'rita',
      expiresIn: 60,
    });
    expect(createContextTokenVerifier(key)(token)).toBeUndefined();
  });
});

import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import jwt from 'jsonwebtoken';
import { describe, expect, it } from 'vitest';
import { issueToken } from '../auth/token-issuer.js';
import { createAuthenticate } from '../auth/index.js';
import { loadConfig } from '../config/config.js';
import type { Principal } from '../common/types.js';
import { CONTEXT_TOKEN_HEADER, createContextTokenVerifier } from '../protocol/index.js';
import { createContextTokenSigner, rowFilterFingerprint } from './context-token.js';
import { inflightDedupFetch } from './inflight-fetch.js';
import { bufferedResponse, type LeanRequestInit } from './lean-fetch.js';

const key = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey;
const principal: Principal = {
  sub: 'rea',
  anonymous: false,
  roles: ['analyst'],
  scopes: [],
  teams: [],
  attributes: { countries: ['DE', 'AT'] },
};
const claims = {
  customers: [
    {
      type: 'Customer',
      rule: 'regional',
      where: { kind: 'in' as const, field: 'country', values: ['DE', 'AT'] },
    },
  ],
};

describe('list attributes', () => {
  it('travel from `meshgate token --attr countries=DE,AT` to the principal as a list', async () => {
    const config = loadConfig({ MESHGATE_STATE_DIR: mkdtempSync(join(tmpdir(), 'meshgate-attr-')) });
    const token = issueToken(config.security.auth, config.stateDir, {
      sub: 'rea',
      roles: ['analyst'],
      attributes: { countries: ['DE', 'AT'], purpose: 'analysis' },
    });
    expect(jwt.decode(token)).toMatchObject({ countries: ['DE', 'AT'], purpose: 'analysis' });
    const authenticate = createAuthenticate({ auth: config.security.auth, stateDir: config.stateDir });
    expect((await authenticate(`Bearer ${token}`)).attributes).toEqual({
      countries: ['DE', 'AT'],
      purpose: 'analysis',
    });
  });
});

describe('the context token carries the row filters', () => {
  it('signs them as the `filters` claim; the products read them back, typed', () => {
    const filters = { claims, fingerprint: JSON.stringify(claims) };
    const signer = createContextTokenSigner(key, 30);
    const token = signer.sign(principal, filters);
    expect(jwt.decode(token)).toMatchObject({ filters: claims, attrs: { countries: ['DE', 'AT'] } });
    expect(createContextTokenVerifier(key)(token)).toMatchObject({
      filters: claims,
      principal: { sub: 'rea' },
    });
    expect(rowFilterFingerprint(token)).toBe(JSON.stringify(claims));
    // Reused while the filters stay; re-signed when they change (a grant or policy reload).
    expect(signer.sign(principal, { ...filters })).toBe(token);
    const unfiltered = signer.sign(principal, { claims: {} as typeof claims, fingerprint: '' });
    expect(unfiltered).not.toBe(token);
    expect(rowFilterFingerprint(unfiltered)).toBe('');
    expect(createContextTokenVerifier(key)(unfiltered)?.filters).toEqual({});
  });

  it('is refused when its filters are not a shape a product knows (fail closed)', () => {
    const forged = jwt.sign(
      {
        anon: false,
        filters: { customers: [{ type: 'Customer', rule: 'r', where: { kind: 'sql', text: 'true' } }] },
      },
      key,
      {
        algorithm: 'ES256',
        subject: 'x',
        issuer: 'meshgate-gateway',
        audience: 'meshgate-subgraph',
        expiresIn: 30,
      },
    );
    expect(createContextTokenVerifier(key)(forged)).toBeUndefined();
  });
});

describe('in-flight de-duplication under row filters', () => {
  it('shares identical queries under the same filters only', async () => {
    const calls: string[] = [];
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const fetcher = async (url: string, init?: LeanRequestInit) => {
      calls.push(String(init?.headers?.[CONTEXT_TOKEN_HEADER]));
      await gate;
      return bufferedResponse(url, 200, 'OK', new Headers(), '{"data":{}}');
    };
    const dedup = inflightDedupFetch(fetcher);
    const signer = createContextTokenSigner(key, 30);
    const filters = { claims, fingerprint: JSON.stringify(claims) };
    const filtered = { sign: (p: Principal) => signer.sign(p, filters) };
    const plain = createContextTokenSigner(key, 30);
    const other: Principal = { ...principal, sub: 'other' };
    const post = (token: string) =>
      dedup('http://customers/graphql', {
        method: 'POST',
        body: JSON.stringify({ query: '{ customers(first: 5) { totalCount } }' }),
        headers: { [CONTEXT_TOKEN_HEADER]: token },
      });
    const pending = [
      post(filtered.sign(principal)),
      post(filtered.sign(other)), // another principal, the same filters: shared
      post(plain.sign(principal)), // no filters: its own fetch
      post(plain.sign(other)), // shared with the one above
    ];
    expect(dedup.inflight()).toBe(2);
    release();
    await Promise.all(pending);
    expect(calls).toHaveLength(2);
  });
});

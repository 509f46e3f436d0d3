import { generateKeyPairSync } from 'node:crypto';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createContextTokenSigner } from '../context-token.js';
import { canonicalJson } from './canonical-json.js';
import {
  claimsFingerprint,
  contextFingerprinter,
  entityKey,
  fetchKey,
  metaOfKey,
  rootKey,
} from './cache-key.js';

const principal = (sub: string, roles: string[]) => ({
  sub,
  anonymous: false,
  roles,
  scopes: [],
  teams: [],
  attributes: { purpose: 'support' },
});

describe('entity cache keys', () => {
  afterEach(() => vi.useRealTimers());

  it('are the same for representations that differ only in key order', () => {
    expect(canonicalJson({ b: 1, a: { d: [2, { z: 1, y: 2 }], c: null }, u: undefined })).toBe(
      '{"a":{"c":null,"d":[2,{"y":2,"z":1}]},"b":1}',
    );
    const prefix = fetchKey({
      subgraph: 'orders',
      generation: 'g.1.0.0',
      fingerprint: 'f',
      query: 'q',
      variables: {},
    });
    expect(entityKey(prefix, { __typename: 'Order', id: '7' })).toBe(
      entityKey(prefix, { id: '7', __typename: 'Order' }),
    );
    expect(entityKey(prefix, { __typename: 'Order', id: '7' })).not.toBe(
      entityKey(prefix, { __typename: 'Order', id: '8' }),
    );
  });

  it('change with the subgraph, generation, selection, variables and fingerprint', () => {
    const base = {
      subgraph: 'orders',
      generation: 'a.1.0.0',
      fingerprint: 'f',
      query: 'q',
      variables: { n: 5 },
    };
    const keys = new Set([
      fetchKey(base),
      fetchKey({ ...base, subgraph: 'payments' }),
      fetchKey({ ...base, generation: 'b.1.0.0' }),
      fetchKey({ ...base, query: 'q2' }),
      fetchKey({ ...base, variables: { n: 6 } }),
      fetchKey({ ...base, fingerprint: 'g' }),
    ]);
    expect(keys.size).toBe(6);
  });

  it('carry what targeted invalidation reads back', () => {
    const prefix = fetchKey({
      subgraph: 'customers',
      generation: 'g.1',
      fingerprint: 'f',
      query: 'q',
      variables: {},
    });
    expect(metaOfKey(entityKey(prefix, { __typename: 'Customer', id: 'a|b' }))).toEqual({
      subgraph: 'customers',
      typename: 'Customer',
      representation: { __typename: 'Customer', id: 'a|b' },
    });
    expect(metaOfKey(rootKey(prefix))).toEqual({
      subgraph: 'customers',
      typename: null,
      representation: null,
    });
  });

  it('fingerprint every signed claim but the request-specific ones', () => {
    const claims = { sub: 'rita', roles: ['analyst'], attrs: { region: 'eu' }, iss: 'meshgate-gateway' };
    const fp = claimsFingerprint(claims);
    expect(claimsFingerprint({ ...claims, iat: 1, exp: 61, jti: 'x', nbf: 1 })).toBe(fp);
    expect(claimsFingerprint({ ...claims, roles: ['analyst', 'finance'] })).not.toBe(fp);
    expect(claimsFingerprint({ ...claims, sub: 'sam' })).not.toBe(fp);
    // A row filter in the token (a later claim) separates entries without a change here.
    expect(claimsFingerprint({ ...claims, filters: { Order: { region: 'eu' } } })).not.toBe(fp);
  });

  it("survive the renewal of a principal's context token, and separate principals", () => {
    vi.useFakeTimers({ now: new Date('2026-12-03T10:00:00Z') });
    const signer = createContextTokenSigner(
      generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey,
      60,
    );
    const fingerprint = contextFingerprinter();
    const rita = principal('rita', ['support']);
    const first = signer.sign(rita);
    vi.advanceTimersByTime(31_000);
    const renewed = signer.sign(rita);
    expect(renewed).not.toBe(first);
    expect(fingerprint(renewed)).toBe(fingerprint(first));
    expect(fingerprint(signer.sign(principal('rita', ['analyst'])))).not.toBe(fingerprint(first));
    expect(fingerprint(undefined)).toBe('none');
  });
});

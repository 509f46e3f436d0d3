import { generateKeyPairSync } from 'node:crypto';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Principal } from '../common/types.js';
import { createContextTokenVerifier } from '../protocol/index.js';
import { createContextTokenSigner } from './context-token.js';

const key = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey;
const principal = (sub: string): Principal => ({
  sub,
  anonymous: false,
  roles: ['analyst'],
  scopes: ['read'],
  teams: [],
  attributes: { region: 'eu' },
});

describe('the context token', () => {
  afterEach(() => vi.useRealTimers());

  it('is signed once per principal and reused until half its lifetime is gone', () => {
    vi.useFakeTimers({ now: new Date('2026-11-24T12:00:00Z') });
    const signer = createContextTokenSigner(key, 60);
    const rita = principal('rita');
    const first = signer.sign(rita);
    vi.advanceTimersByTime(29_000);
    expect(signer.sign(rita)).toBe(first);
    // Another principal gets its own token.
    const other = signer.sign(principal('sam'));
    expect(other).not.toBe(first);
    vi.advanceTimersByTime(1_000); // 30 s: half of 60
    const renewed = signer.sign(rita);
    expect(renewed).not.toBe(first);
    const verify = createContextTokenVerifier(key);
    expect(verify(renewed)?.principal).toMatchObject({
      sub: 'rita',
      anonymous: false,
      roles: ['analyst'],
      scopes: ['read'],
      attributes: { region: 'eu' },
      expiresAt: Math.floor(Date.now() / 1000) + 60,
    });
    expect(verify(other)?.principal.sub).toBe('sam');
  });

  it('is refused when signed with another key', () => {
    const forged = createContextTokenSigner(
      generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey,
      60,
    ).sign(principal('eve'));
    expect(createContextTokenVerifier(key)(forged)).toBeUndefined();
  });
});

import { describe, expect, it } from 'vitest';
import type { Principal } from '../../common/types.js';
import { readCookie, sessionCookie } from './cookies.js';
import { sameToken } from '../../http/csrf.js';
import { sessionStore } from './session-store.js';

const principal = (expiresAt?: number): Principal => ({
  sub: 'ana',
  anonymous: false,
  roles: ['analyst'],
  scopes: [],
  teams: [],
  attributes: {},
  expiresAt,
});

describe('console sessions', () => {
  it('keep the token server-side under a random id, with its own CSRF token, until ended', () => {
    const sessions = sessionStore();
    const session = sessions.create('the.jwt.token', principal(Date.now() / 1000 + 3600));
    expect(session.id).toMatch(/^[\w-]{43}$/);
    expect(session.csrf).toMatch(/^[\w-]{43}$/);
    expect(session.csrf).not.toBe(session.id);
    expect(sessions.get(session.id)?.token).toBe('the.jwt.token');
    expect(sessions.get('forged')).toBeUndefined();
    expect(sessions.get(undefined)).toBeUndefined();
    sessions.end(session.id);
    expect(sessions.get(session.id)).toBeUndefined();
  });

  it('end when the token expires, and never outlive maxAgeMs', () => {
    const sessions = sessionStore({ maxAgeMs: 60_000 });
    expect(sessions.get(sessions.create('t', principal(Date.now() / 1000 - 1)).id)).toBeUndefined();
    const long = sessions.create('t', principal(Date.now() / 1000 + 86_400));
    expect(long.expiresAt - Date.now()).toBeLessThanOrEqual(60_000);
    expect(long.expiresAt - Date.now()).toBeGreaterThan(59_000);
  });
});

describe('the session cookie', () => {
  it('is HttpOnly and SameSite=Strict, Secure when asked, and reads back', () => {
    expect(sessionCookie('meshgate_session', 'abc', { maxAgeSeconds: 3599.7, secure: true })).toBe(
      'meshgate_session=abc; Path=/; Max-Age=3599; HttpOnly; SameSite=Strict; Secure',
    );
    expect(sessionCookie('x', '', { maxAgeSeconds: 0, secure: false, path: '/console/login' })).toBe(
      'x=; Path=/console/login; Max-Age=0; HttpOnly; SameSite=Strict',
    );
    expect(readCookie('a=1; meshgate_session=s%2Fid ; b=2', 'meshgate_session')).toBe('s/id');
    expect(readCookie('a=1', 'meshgate_session')).toBeUndefined();
    expect(readCookie(undefined, 'a')).toBeUndefined();
  });

  it('CSRF tokens compare in constant time and refuse anything but the same string', () => {
    expect(sameToken('abc', 'abc')).toBe(true);
    expect(sameToken('abd', 'abc')).toBe(false);
    expect(sameToken('ab', 'abc')).toBe(false);
    expect(sameToken(undefined, 'abc')).toBe(false);
    expect(sameToken(['abc'], 'abc')).toBe(false);
  });
});

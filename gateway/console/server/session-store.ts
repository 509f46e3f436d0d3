import { randomBytes } from 'node:crypto';
import { LRUCache } from 'lru-cache';
import type { Principal } from '../../common/types.js';
import type { ConsoleSession, ProviderTokens } from './types.js';

export interface SessionStoreOptions {
  /** How long a session lives at most, whatever the token says. Default 8 hours. */
  readonly maxAgeMs?: number;
  /** Sessions kept at most (the oldest go first). Default 10 000. */
  readonly max?: number;
}

export interface SessionStore {
  create(token: string, principal: Principal, provider?: ProviderTokens): ConsoleSession;
  /** The same session (id, CSRF token) with a renewed access token; undefined when it has ended. */
  renew(
    id: string,
    token: string,
    principal: Principal,
    provider: ProviderTokens,
  ): ConsoleSession | undefined;
  /** The live session of this id; undefined when unknown, expired or ended. */
  get(id: string | undefined): ConsoleSession | undefined;
  end(id: string): void;
}

/**
 * Console sessions, server-side: id → token and principal, in memory (an LRU with a TTL per
 * session). The cookie holds only a 256-bit random id, so nothing in the browser can be read
 * or replayed as a token, and sign-out really ends the session. One gateway's memory: behind
 * several replicas, sessions need sticky routing (or sign in again on another replica).
 */
export function sessionStore({
  maxAgeMs = 8 * 3_600_000,
  max = 10_000,
}: SessionStoreOptions = {}): SessionStore {
  const sessions = new LRUCache<string, ConsoleSession>({ max, ttlAutopurge: false });
  return {
    create(token, principal, provider) {
      const tokenExpiry = principal.expiresAt === undefined ? Infinity : principal.expiresAt * 1000;
      // A refresh token renews the access token (session-bearer.ts): the session lives its own lifetime.
      const expiresAt = Math.min(Date.now() + maxAgeMs, provider?.refreshToken ? Infinity : tokenExpiry);
      const session: ConsoleSession = Object.freeze({
        id: randomBytes(32).toString('base64url'),
        token,
        principal,
        csrf: randomBytes(32).toString('base64url'),
        expiresAt,
        provider: provider && Object.freeze({ ...provider }),
      });
      sessions.set(session.id, session, { ttl: Math.max(1, expiresAt - Date.now()) });
      return session;
    },
    renew(id, token, principal, provider) {
      const old = this.get(id);
      if (!old) return undefined;
      const tokenExpiry = principal.expiresAt === undefined ? Infinity : principal.expiresAt * 1000;
      const expiresAt = Math.min(old.expiresAt, provider.refreshToken ? Infinity : tokenExpiry);
      const session: ConsoleSession = Object.freeze({
        ...old,
        token,
        principal,
        expiresAt,
        provider: Object.freeze({ ...provider }),
      });
      sessions.set(id, session, { ttl: Math.max(1, expiresAt - Date.now()) });
      return session;
    },
    get(id) {
      if (id === undefined) return undefined;
      const session = sessions.get(id);
      if (session && session.expiresAt <= Date.now()) {
        sessions.delete(id);
        return undefined;
      }
      return session;
    },
    end(id) {
      sessions.delete(id);
    },
  };
}

import { createLocalJWKSet, errors, type JSONWebKeySet, type JWTVerifyGetKey } from 'jose';
import type { IdentityProviderStatus } from './types.js';

/** The identity provider's keys could not be had at all (never fetched, provider down). */
export class KeysUnavailable extends Error {}

export interface RemoteKeySetOptions {
  readonly issuer: string;
  /** The JWKS URL, or how to find it (OIDC discovery), asked again until it answers. */
  readonly jwksUri: () => Promise<string>;
  /** Keys older than this are refetched in the background; a failed refetch keeps them. */
  readonly refreshMs: number;
  /** An unknown `kid` refetches at most once per this interval. */
  readonly cooldownMs: number;
  readonly timeoutMs: number;
  readonly now?: () => number;
}

export interface RemoteKeySet {
  /** jose's key resolver (`jwtVerify(token, keySet.getKey)`): the key of the token's `kid` and `alg`. */
  readonly getKey: JWTVerifyGetKey;
  /** Changes whenever a fetch brings a different key set: verified-token caches drop their entries. */
  generation(): number;
  /**
   * Called on every token of this issuer, cached or not: a stale set is refetched in the
   * background (so a removed key is dropped even while every token is a cache hit).
   */
  touch(): void;
  /** Fetches now unless one is under way (start-up warms the cache with it); never throws. */
  refresh(): Promise<void>;
  status(): IdentityProviderStatus;
  /** Stops the retries of a provider that has not answered yet. */
  close(): void;
}

/**
 * The identity provider's JWKS (RFC 7517), fetched by URL and cached, with jose's own key
 * selection (`createLocalJWKSet`: by `kid`, `alg`, `kty`, `use`) over the cached set. jose's
 * `createRemoteJWKSet` is not used because it drops its keys when a refetch fails; here:
 *
 * - a stale set (older than `refreshMs`) is refetched in the background and the request goes
 *   on with the keys it has, so a provider that is down later never fails a request whose key
 *   is cached, and a key the provider removed stops verifying once the refetch has landed;
 * - an unknown `kid` refetches at once (rotation followed without a restart), but at most once
 *   per `cooldownMs`, so a burst of tokens with random `kid`s costs one fetch per interval;
 * - with no keys at all (provider down at start) a request waits for at most one fetch
 *   (`timeoutMs`), else fails at once with `KeysUnavailable`: a 401, never a hang; and the
 *   fetch is retried in the background (after `cooldownMs`, doubling up to `refreshMs`), so
 *   the keys are there, and `/ready` says `ok`, as soon as the provider answers, whether or
 *   not a token has come meanwhile (nothing else would ask: `touch` needs keys to go stale);
 * - concurrent callers share one fetch in flight.
 */
export function remoteKeySet(options: RemoteKeySetOptions): RemoteKeySet {
  const now = options.now ?? Date.now;
  let keys: ReturnType<typeof createLocalJWKSet> | null = null;
  let keyIds: string[] = [];
  let published = '';
  let generation = 0;
  let fetchedAt: number | null = null;
  let attemptAt = Number.NEGATIVE_INFINITY;
  /** Last fetch started for an unknown `kid` (or for no keys): the cooldown's clock. */
  let kidFetchAt = Number.NEGATIVE_INFINITY;
  let inFlight: Promise<void> | null = null;
  let fetches = 0;
  let jwksUri: string | null = null;
  let lastError: { message: string; at: string } | null = null;
  let attempted = false;
  let failuresWithoutKeys = 0;
  let retry: NodeJS.Timeout | null = null;
  let closed = false;

  const refresh = (): Promise<void> =>
    (inFlight ??= fetchKeys().finally(() => {
      inFlight = null;
      attempted = true;
      retryWhileUnavailable();
    }));

  function retryWhileUnavailable(): void {
    if (keys !== null || closed || retry !== null) return;
    failuresWithoutKeys++;
    const delay = Math.min(options.cooldownMs * 2 ** (failuresWithoutKeys - 1), options.refreshMs);
    retry = setTimeout(() => {
      retry = null;
      void refresh();
    }, delay);
    // A provider that never answers must not keep the process alive.
    retry.unref();
  }

  async function fetchKeys(): Promise<void> {
    attemptAt = now();
    try {
      jwksUri = await options.jwksUri();
      fetches++;
      const response = await fetch(jwksUri, {
        headers: { accept: 'application/json' },
        signal: AbortSignal.timeout(options.timeoutMs),
      });
      if (!response.ok) throw new Error(`${jwksUri} answered HTTP ${response.status}`);
      const body = (await response.json()) as JSONWebKeySet;
      if (!Array.isArray(body?.keys)) throw new Error(`${jwksUri} is not a JWKS (no "keys" array)`);
      const text = JSON.stringify(body.keys);
      if (text !== published) {
        keys = createLocalJWKSet(body);
        keyIds = body.keys.map((k) => k.kid ?? '(no kid)');
        published = text;
        generation++;
      }
      fetchedAt = now();
      lastError = null;
    } catch (error) {
      lastError = { message: describe(error), at: new Date(now()).toISOString() };
    }
  }

  const coolingDown = () => now() - kidFetchAt < options.cooldownMs;
  const fetchForKid = async () => {
    if (!inFlight) {
      if (coolingDown()) return;
      kidFetchAt = now();
    }
    await refresh();
  };

  // Stale: refreshed behind the request, which the keys in hand still serve; while the
  // provider is down, retried once per cooldown, not once per request.
  const touch = () => {
    if (!keys || inFlight) return;
    if (fetchedAt !== null && now() - fetchedAt < options.refreshMs) return;
    if (now() - attemptAt >= Math.min(options.cooldownMs, options.refreshMs)) void refresh();
  };

  return {
    touch,
    async getKey(header, token) {
      if (!keys) {
        await fetchForKid();
        if (!keys) throw new KeysUnavailable(lastError?.message ?? 'no keys fetched yet');
      } else touch();
      try {
        return await keys(header, token);
      } catch (error) {
        if (!(error instanceof errors.JWKSNoMatchingKey)) throw error;
        const before = generation;
        await fetchForKid();
        if (generation === before) throw error;
        return keys(header, token);
      }
    },
    generation: () => generation,
    refresh,
    status() {
      const state = keys === null ? (attempted ? 'unavailable' : 'starting') : lastError ? 'degraded' : 'ok';
      return {
        issuer: options.issuer,
        status: state,
        jwksUri,
        keys: keyIds,
        fetches,
        fetchedAt: fetchedAt === null ? null : new Date(fetchedAt).toISOString(),
        ...(lastError && { reason: lastError.message, failedAt: lastError.at }),
      };
    },
    close() {
      closed = true;
      if (retry) clearTimeout(retry);
      retry = null;
    },
  };
}

function describe(error: unknown): string {
  if (error instanceof Error) {
    const cause = (error as { cause?: { code?: string } }).cause?.code;
    if (error.name === 'TimeoutError') return 'timed out';
    return cause ? `${error.message} (${cause})` : error.message;
  }
  return String(error);
}

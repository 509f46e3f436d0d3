import { createECDH, createPrivateKey, createPublicKey, hkdfSync, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { LRUCache } from 'lru-cache';
import type { Principal } from '../common/types.js';
import { ErrorCode, StartupError } from '../common/errors.js';
import { secretFor } from '../auth/dev-key.js';
import type { ContextTokenConfig } from '../auth/security-config.js';
import { contextTokenPublicKey, signContextToken, type RowFilterClaims } from '../protocol/index.js';

/**
 * The gateway's side of the context token (its claims, header, algorithm and verification are
 * the protocol's: gateway/protocol/context-token.ts, docs/product-protocol.md). It signs with an
 * EC P-256 private key: CONTEXT_TOKEN_KEY_FILE, else one derived from CONTEXT_TOKEN_SECRET or
 * the development key, which the subgraphs of the embedded default derive the same way from
 * the same state directory. Products verify with its public half, served as a JWKS
 * (use-context-keys.ts).
 *
 * It also carries the principal's row filters (`filters`: per subgraph, typed predicates;
 * gateway/protocol/row-filter.ts): signed, so a product enforces exactly what the gateway
 * decided, and part of the claims, so whatever is keyed on the token's claims (the entity
 * cache's fingerprint) tells filtered answers apart.
 */
export function contextTokenKey(config: ContextTokenConfig, stateDir: string): KeyObject {
  if (config.keyFile !== undefined) return readKeyFile(config.keyFile, 'CONTEXT_TOKEN_KEY_FILE', 'private');
  const seed = secretFor('context-token', config.secret, stateDir);
  const id = seed.toString('hex');
  let key = derived.get(id);
  if (!key) derived.set(id, (key = derivedKey(seed)));
  return key;
}

/** The keys the gateway's JWKS serves: the signing key's public half first, then CONTEXT_TOKEN_PUBLISHED_KEYS. */
export function publishedContextTokenKeys(config: ContextTokenConfig, stateDir: string): KeyObject[] {
  return [
    contextTokenPublicKey(contextTokenKey(config, stateDir)),
    ...(config.publishedKeyFiles ?? []).map((file) =>
      contextTokenPublicKey(readKeyFile(file, 'CONTEXT_TOKEN_PUBLISHED_KEYS', 'any')),
    ),
  ];
}

/**
 * What a product launched by meshgate (`meshgate subgraph`, the embedded mesh) verifies with:
 * the gateway's JWKS URL (CONTEXT_TOKEN_JWKS_URL), else its public key file
 * (CONTEXT_TOKEN_PUBLIC_KEY_FILE), else the public half of the key the gateway derives from
 * the same secret or state directory. Never the private key.
 */
export function contextTokenVerificationKey(config: ContextTokenConfig, stateDir: string): KeyObject | URL {
  if (config.jwksUrl !== undefined) return new URL(config.jwksUrl);
  if (config.publicKeyFile !== undefined)
    return contextTokenPublicKey(readKeyFile(config.publicKeyFile, 'CONTEXT_TOKEN_PUBLIC_KEY_FILE', 'any'));
  return contextTokenPublicKey(contextTokenKey(config, stateDir));
}

const derived = new Map<string, KeyObject>();

/**
 * A P-256 private key derived from a secret with HKDF (RFC 5869): every process holding the
 * same secret (or state directory) signs and verifies with the same key pair, as the shared
 * HS256 secret did before, without a key file to distribute in development.
 */
function derivedKey(seed: Buffer): KeyObject {
  for (let counter = 0; ; counter++) {
    const d = Buffer.from(
      hkdfSync('sha256', seed, Buffer.alloc(0), `meshgate context-token ES256 ${counter}`, 32),
    );
    const ecdh = createECDH('prime256v1');
    try {
      ecdh.setPrivateKey(d); // refuses a scalar outside [1, n-1] (probability ~2^-32): the next counter
    } catch {
      continue;
    }
    const point = ecdh.getPublicKey(); // 0x04 || x || y
    return createPrivateKey({
      format: 'jwk',
      key: {
        kty: 'EC',
        crv: 'P-256',
        d: d.toString('base64url'),
        x: point.subarray(1, 33).toString('base64url'),
        y: point.subarray(33, 65).toString('base64url'),
      },
    });
  }
}

function readKeyFile(path: string, variable: string, kind: 'private' | 'any'): KeyObject {
  let pem: string;
  try {
    pem = readFileSync(path, 'utf8');
  } catch (cause) {
    throw new StartupError(
      ErrorCode.CONFIG_INVALID,
      `${variable}: cannot read ${path} (${(cause as Error).message})`,
      cause,
    );
  }
  try {
    const key = pem.includes('PRIVATE KEY') ? createPrivateKey(pem) : createPublicKey(pem);
    if (kind === 'private' && key.type !== 'private')
      throw new Error('must be a private key (PEM "PRIVATE KEY"): the gateway signs with it');
    contextTokenPublicKey(key);
    return key;
  } catch (cause) {
    throw new StartupError(
      ErrorCode.CONFIG_INVALID,
      `${variable}: ${path}: ${(cause as Error).message}`,
      cause,
    );
  }
}

/** Who the gateway's own subgraph requests (health probes, `_service`) run as. */
export const GATEWAY_PRINCIPAL: Principal = Object.freeze({
  sub: 'meshgate-gateway',
  anonymous: false,
  roles: Object.freeze(['gateway']),
  scopes: Object.freeze([]),
  teams: Object.freeze([]),
  attributes: Object.freeze({}),
});

/** A principal's row filters, as the policy stage worked them out for the request (request-state.ts). */
export interface SignedRowFilters {
  readonly claims: RowFilterClaims;
  /** Stable text of `claims`; empty when no filter applies. */
  readonly fingerprint: string;
}

export interface ContextTokenSigner {
  /**
   * The token for a principal's fetches under its row filters (none: MESHGATE_POLICY=off, or the
   * gateway's own fetches): signed once, reused until half its lifetime is gone.
   */
  sign(principal: Principal, filters?: SignedRowFilters): string;
}

/**
 * Row-filter fingerprints of the tokens signed in this process, for in-flight de-duplication
 * (inflight-fetch.ts), which must never share an answer across filters. A token not signed
 * here is read from its payload.
 */
const filterFingerprints = new LRUCache<string, string>({ max: 10_000 });

/** The row-filter fingerprint of a context token: '' when it carries no filter. */
export function rowFilterFingerprint(token: string): string {
  const known = filterFingerprints.get(token);
  if (known !== undefined) return known;
  try {
    const payload = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8')) as {
      filters?: unknown;
    };
    return payload.filters === undefined ? '' : JSON.stringify(payload.filters);
  } catch {
    return token; // unreadable: never shared with another token's fetch
  }
}

export function createContextTokenSigner(key: KeyObject, ttlSeconds: number): ContextTokenSigner {
  // By principal object: authentication hands out one object per bearer token (its cache) and
  // one ANONYMOUS. Reusing a token for half its lifetime exposes nothing a per-request token
  // would not (either is valid for its whole lifetime), and spares a signature per request
  // here and a verification per fetch in the subgraphs, whose verifier caches by token.
  // A token is re-signed when the filters change too (policies or grants reloaded).
  const signed = new WeakMap<Principal, { token: string; renewAt: number; filters: string }>();
  return {
    sign(principal, filters) {
      const now = Date.now();
      const fingerprint = filters?.fingerprint ?? '';
      const cached = signed.get(principal);
      if (cached && now < cached.renewAt && cached.filters === fingerprint) return cached.token;
      const token = signContextToken(key, principal, fingerprint ? filters!.claims : undefined, ttlSeconds);
      signed.set(principal, { token, renewAt: now + ttlSeconds * 500, filters: fingerprint });
      filterFingerprints.set(token, fingerprint);
      return token;
    },
  };
}

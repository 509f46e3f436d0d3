import { createHash, createPublicKey, type KeyObject } from 'node:crypto';

/**
 * The keys of the context token (context-token.ts), as the gateway publishes them: a JSON Web
 * Key Set (RFC 7517) at `CONTEXT_TOKEN_JWKS_PATH` of the gateway. A product verifies with the
 * public keys only: nothing it holds can mint a token. Each key's `kid` is its RFC 7638 JWK
 * thumbprint, so the id follows from the key and a rotated key never reuses an old id.
 */
export const CONTEXT_TOKEN_JWKS_PATH = '/.well-known/meshgate/keys';

/** The token's algorithm: ECDSA over P-256 with SHA-256 (RFC 7518 §3.4). */
export const CONTEXT_TOKEN_ALGORITHM = 'ES256';

/** A public key of the set, as served: what `jose`'s createRemoteJWKSet and any JOSE library read. */
export interface ContextTokenJwk {
  readonly kty: 'EC';
  readonly crv: 'P-256';
  readonly x: string;
  readonly y: string;
  readonly kid: string;
  readonly alg: typeof CONTEXT_TOKEN_ALGORITHM;
  readonly use: 'sig';
}

const kids = new WeakMap<KeyObject, string>();

/** The public half of a key (itself when it is public); refuses a key that is not EC P-256. */
export function contextTokenPublicKey(key: KeyObject): KeyObject {
  if (key.type === 'secret')
    throw new Error('context tokens are signed with ES256: give an EC P-256 key, not a shared secret');
  const publicKey = key.type === 'public' ? key : createPublicKey(key);
  if (publicKey.asymmetricKeyType !== 'ec' || publicKey.asymmetricKeyDetails?.namedCurve !== 'prime256v1')
    throw new Error('context tokens are signed with ES256: the key must be EC on curve P-256');
  return publicKey;
}

/** The key's id: its JWK thumbprint (RFC 7638, SHA-256, base64url). */
export function contextTokenKid(key: KeyObject): string {
  const known = kids.get(key);
  if (known) return known;
  const jwk = contextTokenPublicKey(key).export({ format: 'jwk' });
  // RFC 7638 §3.2: the required members only, in lexicographic order, no whitespace.
  const canonical = JSON.stringify({ crv: jwk.crv, kty: jwk.kty, x: jwk.x, y: jwk.y });
  const kid = createHash('sha256').update(canonical).digest('base64url');
  kids.set(key, kid);
  return kid;
}

/** The key set to serve: the public halves of `keys`, the signing key first; duplicates once. */
export function contextTokenJwks(keys: readonly KeyObject[]): { readonly keys: readonly ContextTokenJwk[] } {
  const seen = new Set<string>();
  const out: ContextTokenJwk[] = [];
  for (const key of keys) {
    const kid = contextTokenKid(key);
    if (seen.has(kid)) continue;
    seen.add(kid);
    const { x, y } = contextTokenPublicKey(key).export({ format: 'jwk' });
    out.push({ kty: 'EC', crv: 'P-256', x: x!, y: y!, kid, alg: CONTEXT_TOKEN_ALGORITHM, use: 'sig' });
  }
  return { keys: out };
}

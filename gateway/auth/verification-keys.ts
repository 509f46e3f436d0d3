import { createPublicKey, createSecretKey, type JsonWebKey, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { ErrorCode, StartupError } from '../common/errors.js';
import { secretFor } from './dev-key.js';
import type { AuthConfig } from './security-config.js';

/** The keys bearer tokens are checked with, resolved once at start. */
export interface VerificationKeys {
  /** HS*: the configured JWT_SECRET, else the development key's user-token key. */
  readonly secret: KeyObject;
  /** RS*: by `kid` from the JWKS file; `undefined` holds the PEM key (inline or file). */
  readonly publicKeys: ReadonlyMap<string | undefined, KeyObject>;
}

export function loadVerificationKeys(auth: AuthConfig, stateDir: string): VerificationKeys {
  const publicKeys = new Map<string | undefined, KeyObject>();
  const pem =
    auth.publicKey ??
    (auth.publicKeyFile === undefined ? undefined : readKeyFile(auth.publicKeyFile, 'JWT_PUBLIC_KEY_FILE'));
  if (pem !== undefined)
    publicKeys.set(
      undefined,
      parse(() => createPublicKey(pem), 'JWT_PUBLIC_KEY(_FILE)', 'not a PEM public key'),
    );
  if (auth.jwksFile !== undefined) {
    for (const [kid, key] of readJwks(auth.jwksFile)) publicKeys.set(kid, key);
  }
  return { secret: createSecretKey(secretFor('user-token', auth.secret, stateDir)), publicKeys };
}

/** A JWKS (RFC 7517) file: its RSA signing keys by `kid`. */
function readJwks(path: string): Map<string | undefined, KeyObject> {
  const text = readKeyFile(path, 'JWT_JWKS_FILE');
  const jwks = parse(() => JSON.parse(text) as { keys?: unknown }, 'JWT_JWKS_FILE', 'not JSON');
  if (!Array.isArray(jwks.keys)) throw invalid('JWT_JWKS_FILE', `${path} has no "keys" array`);
  const keys = new Map<string | undefined, KeyObject>();
  for (const jwk of jwks.keys as Record<string, unknown>[]) {
    if (jwk.kty !== 'RSA' || (jwk.use !== undefined && jwk.use !== 'sig')) continue;
    const kid = typeof jwk.kid === 'string' ? jwk.kid : undefined;
    // The JWK is validated by node's parser; `format: 'jwk'` takes the plain object.
    keys.set(
      kid,
      parse(
        () => createPublicKey({ key: jwk as JsonWebKey, format: 'jwk' }),
        'JWT_JWKS_FILE',
        `key ${kid ?? '(no kid)'} is not a valid RSA JWK`,
      ),
    );
  }
  if (keys.size === 0) throw invalid('JWT_JWKS_FILE', `${path} holds no RSA signing key`);
  return keys;
}

function readKeyFile(path: string, variable: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (cause) {
    throw invalid(variable, `cannot read ${path}: ${(cause as NodeJS.ErrnoException).code ?? String(cause)}`);
  }
}

function parse<T>(build: () => T, variable: string, problem: string): T {
  try {
    return build();
  } catch {
    throw invalid(variable, problem);
  }
}

function invalid(variable: string, message: string): StartupError {
  return new StartupError(ErrorCode.CONFIG_INVALID, `invalid configuration: ${variable}: ${message}`);
}

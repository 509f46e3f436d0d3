import { randomBytes, hkdfSync } from 'node:crypto';
import { linkSync, mkdirSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The development key of the embedded default: 32 random bytes created on first start in the
 * git-ignored state directory (`.meshgate/dev-signing-key`), read by the gateway, the
 * subgraphs and `meshgate token`. Each use gets its own key derived with HKDF (RFC 5869), so
 * a user token can never pass as a subgraph context token, nor a hash mask reveal either.
 * Configured secrets (JWT_SECRET, CONTEXT_TOKEN_SECRET, POLICY_HASH_KEY) replace it.
 */
export const DEV_KEY_FILE = 'dev-signing-key';

export type KeyPurpose = 'user-token' | 'context-token' | 'hash-mask' | 'grant-signature';

export function developmentKey(stateDir: string): Buffer {
  const path = join(stateDir, DEV_KEY_FILE);
  const existing = readKey(path);
  if (existing) return existing;
  mkdirSync(stateDir, { recursive: true });
  // Written aside, then linked into place: link fails if another process won the race, and a
  // reader never sees a half-written file.
  const aside = `${path}.${process.pid}.${Date.now()}`;
  writeFileSync(aside, randomBytes(32).toString('hex'), { mode: 0o600 });
  try {
    linkSync(aside, path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  } finally {
    unlinkSync(aside);
  }
  const key = readKey(path);
  if (!key) throw new Error(`development key ${path} is unreadable`);
  return key;
}

/** The configured secret, else a key derived from the development key for this purpose. */
export function secretFor(purpose: KeyPurpose, configured: string | undefined, stateDir: string): Buffer {
  if (configured !== undefined) return Buffer.from(configured, 'utf8');
  return Buffer.from(
    hkdfSync('sha256', developmentKey(stateDir), Buffer.alloc(0), `meshgate ${purpose}`, 32),
  );
}

function readKey(path: string): Buffer | undefined {
  try {
    const text = readFileSync(path, 'utf8').trim();
    return /^[0-9a-f]{64}$/.test(text) ? Buffer.from(text, 'hex') : undefined;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

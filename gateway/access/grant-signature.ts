import { createHmac, timingSafeEqual } from 'node:crypto';
import { secretFor } from '../auth/dev-key.js';
import { grantPayload, type GrantDocument } from '../policy/grant-rule.js';
import type { AccessConfig } from './access-config.js';

const PREFIX = 'hmac-sha256:';

/**
 * Grant files are signed (HMAC-SHA256 over every field but the signature, GRANT_SECRET or a
 * key derived from the development key): a grant edited by hand, or written by anyone without
 * the key, is ignored by the gateway. Policy changes go through review; grants through approval.
 */
export function grantSigner(config: Pick<AccessConfig, 'grantSecret' | 'stateDir'>) {
  const key = secretFor('grant-signature', config.grantSecret, config.stateDir);
  const mac = (document: GrantDocument) => createHmac('sha256', key).update(grantPayload(document)).digest();
  return {
    sign: (document: GrantDocument): string => `${PREFIX}${mac(document).toString('hex')}`,
    /** Why the signature does not hold; undefined when it does. */
    problem(document: GrantDocument): string | undefined {
      if (!document.signature) return 'not signed';
      if (!document.signature.startsWith(PREFIX)) return 'not an hmac-sha256 signature';
      const given = Buffer.from(document.signature.slice(PREFIX.length), 'hex');
      const expected = mac(document);
      return given.length === expected.length && timingSafeEqual(given, expected)
        ? undefined
        : 'signature does not match its content (edited, or signed with another key)';
    },
  };
}

export type GrantSigner = ReturnType<typeof grantSigner>;

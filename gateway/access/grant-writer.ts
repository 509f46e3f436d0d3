import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import type { GrantDocument } from '../policy/grant-rule.js';
import type { GrantSigner } from './grant-signature.js';
import type { AccessRequest } from './types.js';

/**
 * Compiles an approved request into a grant: one allow rule on the requested fields, for the
 * grantee and only while working for the purpose, until the expiry (policy/grant-rule.ts).
 * Values in the CEL condition were checked to be plain names when the request was made.
 */
export function grantDocument(request: AccessRequest, approvedBy: string, now: Date): GrantDocument {
  const who =
    'sub' in request.grantee
      ? `principal.sub == '${request.grantee.sub}'`
      : `'${request.grantee.group}' in principal.roles`;
  const expires = new Date(now.getTime() + request.durationSeconds * 1000).toISOString();
  return {
    apiVersion: 'meshgate/v1',
    kind: 'Grant',
    request: request.id,
    product: request.product,
    grantee: request.grantee,
    purpose: request.purpose,
    requestedBy: request.requestedBy,
    approvedBy,
    approvedAt: now.toISOString(),
    expires,
    rule: {
      id: `grant-${request.id}`,
      description: `Access request ${request.id} by ${request.requestedBy}, approved by ${approvedBy} for purpose ${request.purpose} until ${expires}.`,
      fields: [...request.fields],
      when: `${who} && principal.attributes.purpose == '${request.purpose}'`,
      effect: 'allow',
    },
  };
}

/** `<id>.yaml` in the grants directory, written aside then renamed (a watcher never reads half a file). */
export function writeGrant(
  dir: string,
  document: GrantDocument,
  signer: GrantSigner,
): { file: string; text: string } {
  const signed = { ...document, signature: signer.sign(document) };
  const text =
    `# Grant for access request ${document.request}: written by meshgate on approval. Do not edit:\n` +
    `# the signature covers every field, and an edited grant is ignored.\n` +
    stringify(signed, { lineWidth: 0 });
  const file = `${document.request}.yaml`;
  mkdirSync(dir, { recursive: true });
  const aside = join(dir, `.${file}.${process.pid}.tmp`);
  writeFileSync(aside, text);
  renameSync(aside, join(dir, file));
  return { file, text };
}

import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { z } from 'zod';
import { parsePolicyFile, policyError, readPolicyFiles } from './policy-file.js';
import type { PolicyRule } from './types.js';

/**
 * A grant: an approved access request compiled into policy as code (`policies/grants/<id>.yaml`,
 * written by gateway/access/). It is a policy file with one allow rule and what the review
 * decided around it: who asked and who approved, the purpose, when it expires, and an HMAC
 * signature over the rest (gateway/access/grant-signature.ts), so an edited grant is ignored.
 *
 *   apiVersion: meshgate/v1
 *   kind: Grant
 *   request: ar-5f3c…
 *   product: customers
 *   grantee: { sub: sam }                 # or { group: support }: a role
 *   purpose: support
 *   approvedBy: carla
 *   approvedAt: 2026-12-03T12:00:00.000Z
 *   expires: 2027-01-02T12:00:00.000Z
 *   rule:
 *     id: grant-ar-5f3c…
 *     description: …
 *     fields: [Customer.email, Customer.phone]
 *     when: "principal.sub == 'sam' && principal.attributes.purpose == 'support'"
 *     effect: allow
 *   signature: hmac-sha256:…
 */
export const GrantDocument = z
  .object({
    apiVersion: z.literal('meshgate/v1'),
    kind: z.literal('Grant'),
    request: z.string().min(1),
    product: z.string().min(1),
    grantee: z.union([
      z.object({ sub: z.string().min(1) }).strict(),
      z.object({ group: z.string().min(1) }).strict(),
    ]),
    purpose: z.string().min(1),
    requestedBy: z.string().min(1),
    approvedBy: z.string().min(1),
    approvedAt: z.iso.datetime(),
    expires: z.iso.datetime(),
    rule: z.record(z.string(), z.unknown()),
    signature: z.string().optional(),
  })
  .strict();

export type GrantDocument = z.infer<typeof GrantDocument>;

export interface ParsedGrant {
  readonly document: GrantDocument;
  /** Its rule, with `expiresAt`: it applies only before then. */
  readonly rule: PolicyRule;
}

/** Reads one grant file; a shape error names the file (POLICY_INVALID), as a policy file's does. */
export function parseGrantFile(file: string, text: string): ParsedGrant {
  let value: unknown;
  try {
    value = parse(text);
  } catch (cause) {
    throw policyError(file, undefined, `not YAML (${(cause as Error).message.split('\n')[0]})`);
  }
  const parsed = GrantDocument.safeParse(value);
  if (!parsed.success)
    throw policyError(
      file,
      undefined,
      `not a grant: ${parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ')}`,
    );
  const document = parsed.data;
  const [rule] = parsePolicyFile(
    file,
    JSON.stringify({
      apiVersion: 'meshgate/v1',
      kind: 'Policy',
      owner: `grant ${document.request}`,
      rules: [document.rule],
    }),
  );
  if (!rule || rule.effect !== 'allow') throw policyError(file, rule?.id, 'a grant holds one allow rule');
  return { document, rule: Object.freeze({ ...rule, expiresAt: Date.parse(document.expires) / 1000 }) };
}

/** The text a grant's signature covers: every field but the signature, in a fixed order. */
export function grantPayload(document: GrantDocument): string {
  const { signature: _signature, ...rest } = document;
  return canonical(rest);
}

function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object')
    return `{${Object.keys(value)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical((value as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  return JSON.stringify(value);
}

/**
 * The policy files of `dir` and, as any rule, the grants in `dir/grants/` that have not
 * expired: what `meshgate check` and `meshgate policy test|explain` compile. Offline, where
 * the signing key is not at hand (CI), a grant's signature is not checked; the gateway checks
 * it before a grant applies (gateway/access/grant-source.ts).
 */
export function readPolicyAndGrantFiles(
  dir: string,
  grantsDir = join(dir, 'grants'),
  now = Date.now(),
): PolicyRule[] {
  const rules = readPolicyFiles(dir);
  if (!existsSync(grantsDir)) return rules;
  for (const file of readdirSync(grantsDir)
    .filter((f) => /\.ya?ml$/.test(f))
    .sort()) {
    const { rule } = parseGrantFile(`grants/${file}`, readFileSync(join(grantsDir, file), 'utf8'));
    if ((rule.expiresAt ?? Infinity) * 1000 <= now) continue;
    if (rules.some((r) => r.id === rule.id))
      throw policyError(`grants/${file}`, rule.id, 'duplicate rule id');
    rules.push(rule);
  }
  return rules;
}

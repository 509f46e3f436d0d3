import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { z } from 'zod';
import { ErrorCode, StartupError } from '../../gateway/common/errors.js';
import { RULE_IDS, type GovernanceConfig, type RuleId } from './types.js';

const DAY_MS = 86_400_000;
const UNITS: Record<string, number> = { h: 3_600_000, d: DAY_MS, w: 7 * DAY_MS };

const severity = z.enum(['error', 'warning', 'note', 'off']);
const regex = z.string().refine((text) => {
  try {
    new RegExp(text, 'i');
    return true;
  } catch {
    return false;
  }
}, 'must be a valid regular expression');

const GovernanceFile = z
  .object({
    apiVersion: z.literal('meshgate/v1'),
    kind: z.literal('Governance'),
    // Every rule must be listed: a rule left out would silently be off.
    rules: z
      .object(Object.fromEntries(RULE_IDS.map((id) => [id, severity])) as Record<RuleId, typeof severity>)
      .strict(),
    usage: z
      .object({
        window: z.string().regex(/^\d+[hdw]$/, 'must be a duration such as 72h, 30d or 4w'),
        blockOnlyIfUsed: z.boolean(),
        whenUnknown: z.enum(['block', 'pass']),
      })
      .strict(),
    personalData: z
      .object({
        classifications: z.array(z.string().min(1)).min(1),
        patterns: z.array(
          z.object({ label: z.string().min(1), field: regex, types: regex.optional() }).strict(),
        ),
        ignore: z.array(z.string()).default([]),
      })
      .strict(),
    policyCoverage: z.object({ classificationRulesCover: z.boolean() }).strict(),
    authDirectives: z.array(z.string().min(1)),
  })
  .strict();

/** `72h`, `30d`, `4w` in milliseconds. */
export function parseWindow(text: string): number {
  const match = /^(\d+)([hdw])$/.exec(text);
  if (!match)
    throw new StartupError(
      ErrorCode.BAD_USER_INPUT,
      `window "${text}" is not a duration such as 72h, 30d or 4w`,
    );
  return Number(match[1]) * UNITS[match[2]!]!;
}

/** Reads and validates `schema/governance.yaml`; every problem is named with its path. */
export function readGovernanceConfig(path: string): GovernanceConfig {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (cause) {
    throw new StartupError(
      ErrorCode.GOVERNANCE_INVALID,
      `cannot read ${path} (${(cause as NodeJS.ErrnoException).code ?? String(cause)})`,
      cause,
    );
  }
  let document: unknown;
  try {
    document = parse(text);
  } catch (cause) {
    throw new StartupError(
      ErrorCode.GOVERNANCE_INVALID,
      `${path} is not YAML: ${(cause as Error).message.split('\n')[0]}`,
      cause,
    );
  }
  const parsed = GovernanceFile.safeParse(document);
  if (!parsed.success) {
    const problems = parsed.error.issues
      .map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`)
      .join('; ');
    throw new StartupError(ErrorCode.GOVERNANCE_INVALID, `invalid ${path}: ${problems}`);
  }
  const g = parsed.data;
  return Object.freeze({
    rules: Object.freeze(g.rules),
    usage: Object.freeze({
      window: g.usage.window,
      windowMs: parseWindow(g.usage.window),
      blockOnlyIfUsed: g.usage.blockOnlyIfUsed,
      whenUnknown: g.usage.whenUnknown,
    }),
    personalData: Object.freeze({
      classifications: g.personalData.classifications,
      patterns: g.personalData.patterns.map((p) => ({
        label: p.label,
        field: new RegExp(p.field, 'i'),
        types: p.types === undefined ? undefined : new RegExp(p.types, 'i'),
      })),
      ignore: g.personalData.ignore,
    }),
    policyCoverage: Object.freeze(g.policyCoverage),
    authDirectives: g.authDirectives,
  });
}

import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { z } from 'zod';
import { ErrorCode, StartupError } from '../../gateway/common/errors.js';
import { ContractProfile, isEmailChannel, jsonPointer } from './contract-profile.js';
import { contractSla, type SlaTargets } from './contract-sla.js';
import { qualityRules } from './quality/contract-rules.js';
import type { QualityRule } from './quality/types.js';

/**
 * The data product descriptor: what the platform reads of a product's data contract
 * (`contract.odcs.yaml`, Open Data Contract Standard v3.1, the domain team's one source of
 * truth beside `schema.graphql`). Derived, never written: who owns the product, what it
 * promises (SLA), which fields hold personal (pii) or payment (pci) data, who approves
 * access, and its quality rules. It is JSON, so the registry publishes it as it is.
 */
export const Classification = z.enum(['pii', 'pci', 'confidential']);
export type Classification = z.infer<typeof Classification>;

export const CONTRACT_FILE = 'contract.odcs.yaml';

export interface DataProductDescriptor {
  readonly name: string;
  readonly domain: string;
  readonly owner: { readonly team: string; readonly email: string };
  readonly description: string;
  readonly version: string;
  readonly status: 'draft' | 'active' | 'deprecated' | 'retired';
  /** The catalog's summary of the SLA: freshness as `15m`/`24h`/`7d`, availability in percent. */
  readonly slo: { readonly freshness: string; readonly availability: number };
  /** `Type.field` → classification, for the fields the contract classifies pii, pci or confidential. */
  readonly classification: Readonly<Record<string, Classification>>;
  readonly tags: readonly string[];
  readonly support: readonly { channel: string; tool?: string; url?: string; scope?: string }[];
  /** Who approves access to the product (ODCS roles; approvers split on commas). */
  readonly roles: readonly {
    role: string;
    access: string;
    firstLevelApprovers: string[];
    secondLevelApprovers: string[];
  }[];
  /** The contract's `slaProperties` as numbers; read them through `productSla`. */
  readonly sla: SlaTargets;
  readonly quality: readonly QualityRule[];
  /** The contract itself, as parsed: `meshgate contract export` prints it, a publish carries it. */
  readonly contract: Readonly<Record<string, unknown>>;
}

export interface ContractProblem {
  /** JSON pointer into the contract, `` for its root. */
  readonly pointer: string;
  readonly message: string;
}

export type ContractReading =
  | { readonly ok: true; readonly descriptor: DataProductDescriptor }
  | { readonly ok: false; readonly problems: readonly ContractProblem[] };

/** The descriptor of a parsed contract, or what keeps meshgate from reading it. */
export function descriptorFromContract(raw: unknown): ContractReading {
  const parsed = ContractProfile.safeParse(raw);
  if (!parsed.success)
    return {
      ok: false,
      problems: parsed.error.issues.map((i) => ({ pointer: jsonPointer(i.path), message: i.message })),
    };
  const c = parsed.data;
  const problems: ContractProblem[] = [];
  if (c.dataProduct !== c.name)
    problems.push({ pointer: '/dataProduct', message: `must equal name "${c.name}"` });
  const sla = contractSla(c, problems);
  const quality = qualityRules(c, problems);
  if (!sla || problems.length) return { ok: false, problems };
  const classification: Record<string, Classification> = {};
  c.schema.forEach((object, i) =>
    object.properties.forEach((property, j) => {
      if (property.classification === undefined) return;
      const known = Classification.safeParse(property.classification);
      if (known.success) classification[`${object.name}.${property.name}`] = known.data;
      else if (!['public', 'internal', 'restricted'].includes(property.classification))
        problems.push({
          pointer: `/schema/${i}/properties/${j}/classification`,
          message: 'must be pii, pci, confidential, restricted, internal or public',
        });
    }),
  );
  if (problems.length) return { ok: false, problems };
  const email = c.support.find(isEmailChannel)!.url!.slice('mailto:'.length);
  const descriptor: DataProductDescriptor = {
    name: c.name,
    domain: c.domain,
    owner: { team: c.team.name, email },
    description: c.description.purpose.trim(),
    version: c.version,
    status: c.status,
    slo: { freshness: durationText(sla.freshness.maxLagSeconds), availability: sla.availabilityPercent },
    classification,
    tags: c.tags,
    support: c.support.map(({ channel, tool, url, scope }) => ({
      channel,
      ...(tool !== undefined && { tool }),
      ...(url !== undefined && { url }),
      ...(typeof scope === 'string' && { scope }),
    })),
    roles: c.roles.map((r) => ({
      role: r.role,
      access: r.access,
      firstLevelApprovers: names(r.firstLevelApprovers),
      secondLevelApprovers: names(r.secondLevelApprovers ?? ''),
    })),
    sla,
    quality,
    contract: raw as Record<string, unknown>,
  };
  return { ok: true, descriptor: deepFreeze(descriptor) };
}

/** Reads a product's contract; a contract meshgate cannot read stops the start with file and pointer. */
export function readDescriptor(path: string): DataProductDescriptor {
  let raw: unknown;
  try {
    raw = parse(readFileSync(path, 'utf8'));
  } catch (cause) {
    throw new StartupError(
      ErrorCode.CONTRACT_INVALID,
      `cannot read data contract ${path}: ${(cause as Error).message.split('\n')[0]}`,
      cause,
    );
  }
  const reading = descriptorFromContract(raw);
  if (!reading.ok)
    throw new StartupError(
      ErrorCode.CONTRACT_INVALID,
      `invalid data contract ${path}: ${reading.problems.map((p) => `${p.pointer || '(root)'}: ${p.message}`).join('; ')}`,
    );
  return reading.descriptor;
}

function names(list: string): string[] {
  return list
    .split(',')
    .map((n) => n.trim())
    .filter(Boolean);
}

/** Seconds as the catalog's short form: whole days, else hours, else minutes (rounded up). */
function durationText(seconds: number): string {
  if (seconds > 0 && seconds % 86_400 === 0) return `${seconds / 86_400}d`;
  if (seconds > 0 && seconds % 3_600 === 0) return `${seconds / 3_600}h`;
  return `${Math.max(1, Math.ceil(seconds / 60))}m`;
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}

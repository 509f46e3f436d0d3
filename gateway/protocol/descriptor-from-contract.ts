import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { ErrorCode, StartupError } from '../common/errors.js';
import { Classification } from './classification.js';
import { ContractProfile, isEmailChannel, jsonPointer } from './contract-profile.js';
import { contractSla } from './contract-sla.js';
import { qualityRules } from './contract-quality-rules.js';
import type { ContractProblem, ContractReading, DataProductDescriptor } from './types.js';

/**
 * How a data contract (`contract.odcs.yaml`, ODCS v3.1) becomes the descriptor the platform
 * reads (types.ts). Part of the protocol, not of one side: the product's kit, the registry and
 * the schema checks must derive the same descriptor from the same contract.
 */
export const CONTRACT_FILE = 'contract.odcs.yaml';

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

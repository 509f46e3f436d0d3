import type { ContractProfile, SlaProperty } from './contract-profile.js';
import type { ProductSla } from './types.js';

const SECONDS: Record<string, number> = {
  ms: 0.001,
  s: 1,
  sec: 1,
  seconds: 1,
  m: 60,
  min: 60,
  minutes: 60,
  h: 3_600,
  hours: 3_600,
  d: 86_400,
  day: 86_400,
  days: 86_400,
};

type Problems = { pointer: string; message: string }[];

/**
 * A contract's `slaProperties` as the numbers the platform measures against. ODCS names the
 * properties; meshgate reads four of them:
 *
 * - `availability` (percent of fetches that succeed),
 * - `latency` with `valueExt: p95` (the 95th percentile of a subgraph fetch, `ms` or `s`),
 * - `errorRate` (percent of fetches that fail),
 * - `latency` without `valueExt`: freshness, ODCS's own sense of latency — how old the newest
 *   row may be — on the timestamp `element` (`table.column`) the probe reads; a product
 *   without a natural timestamp leaves `element` out.
 *
 * `maxAgeSeconds` comes from a `customProperties` entry of that name on a schema object
 * (the key is the type) or a property (`Type.field`): a type may promise fresher data than
 * its product.
 */
export function contractSla(contract: ContractProfile, problems: Problems): ProductSla | null {
  const find = (what: string, match: (p: SlaProperty) => boolean) => {
    const index = contract.slaProperties.findIndex(match);
    if (index < 0) problems.push({ pointer: '/slaProperties', message: `needs ${what}` });
    return index < 0 ? null : { index, sla: contract.slaProperties[index]! };
  };
  const isP95 = (p: SlaProperty) => p.property === 'latency' && p.valueExt === 'p95';
  const availability = find('an availability property (percent)', (p) => p.property === 'availability');
  const latency = find('a latency property with valueExt: p95 (fetch latency)', isP95);
  const errorRate = find('an errorRate property (percent)', (p) => p.property === 'errorRate');
  const freshness = find(
    'a latency property without valueExt (freshness, on a timestamp element)',
    (p) => p.property === 'latency' && !isP95(p),
  );
  const percent = (found: typeof availability) =>
    found && number(found, problems, (v) => v > 0 && v <= 100, 'a percentage above 0, at most 100');
  const availabilityPercent = percent(availability);
  const errorRatePercent = percent(errorRate);
  const latencySeconds = latency && seconds(latency, problems);
  const freshnessSeconds = freshness && seconds(freshness, problems);
  const maxAgeSeconds = declaredMaxAges(contract, problems);
  if (
    availabilityPercent === null ||
    errorRatePercent === null ||
    latencySeconds === null ||
    freshnessSeconds === null
  )
    return null;
  return {
    availabilityPercent,
    latencyP95Ms: Math.round(latencySeconds * 1_000),
    errorRatePercent,
    freshness: { element: freshness!.sla.element ?? null, maxLagSeconds: freshnessSeconds },
    maxAgeSeconds,
  };
}

function number(
  { index, sla }: { index: number; sla: SlaProperty },
  problems: Problems,
  ok: (value: number) => boolean,
  expected: string,
): number | null {
  if (typeof sla.value === 'number' && ok(sla.value)) return sla.value;
  problems.push({ pointer: `/slaProperties/${index}/value`, message: `must be ${expected}` });
  return null;
}

function seconds(found: { index: number; sla: SlaProperty }, problems: Problems): number | null {
  const value = number(found, problems, (v) => v > 0, 'a positive number');
  const factor = SECONDS[found.sla.unit ?? ''];
  if (factor === undefined) {
    problems.push({
      pointer: `/slaProperties/${found.index}/unit`,
      message: `must be a time unit (${Object.keys(SECONDS).join(', ')})`,
    });
    return null;
  }
  return value === null ? null : value * factor;
}

function declaredMaxAges(contract: ContractProfile, problems: Problems): Record<string, number> {
  const result: Record<string, number> = {};
  const read = (key: string, pointer: string, custom: { property: string; value: unknown }[] | undefined) =>
    custom?.forEach((entry, k) => {
      if (entry.property !== 'maxAgeSeconds') return;
      if (typeof entry.value === 'number' && Number.isInteger(entry.value) && entry.value >= 0)
        result[key] = entry.value;
      else
        problems.push({
          pointer: `${pointer}/customProperties/${k}/value`,
          message: 'maxAgeSeconds must be a whole number of seconds',
        });
    });
  contract.schema.forEach((object, i) => {
    read(object.name, `/schema/${i}`, object.customProperties);
    object.properties.forEach((property, j) =>
      read(`${object.name}.${property.name}`, `/schema/${i}/properties/${j}`, property.customProperties),
    );
  });
  return result;
}

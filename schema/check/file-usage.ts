import { readFileSync } from 'node:fs';
import { ErrorCode, StartupError } from '../../gateway/common/errors.js';
import type { LineageEvent } from '../../gateway/lineage/types.js';
import { fromLineageEvent } from './lineage-usage.js';
import type { UsageSource } from './types.js';
import { consumersIn, type UsageEvent } from './usage-events.js';

/**
 * Usage from an exported lineage file (`--lineage FILE`): a JSON array or NDJSON of meshgate
 * lineage events (gateway/lineage/types.ts) or of the OpenLineage RunEvents
 * `meshgate lineage export` writes (gateway/lineage/openlineage.ts: the `meshgate` run facet
 * carries the principal, the client and one decision per coordinate read).
 */
export function fileUsage(path: string): UsageSource {
  const events = readUsageFile(path);
  return {
    description: `file ${path} (${events.length} events)`,
    consumers: (coordinates, since) => Promise.resolve(consumersIn(events, coordinates, since)),
    close: () => Promise.resolve(),
  };
}

export function readUsageFile(path: string): UsageEvent[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (cause) {
    throw new StartupError(
      ErrorCode.BAD_USER_INPUT,
      `--lineage ${path}: cannot read (${(cause as NodeJS.ErrnoException).code ?? String(cause)})`,
      cause,
    );
  }
  let records: unknown[];
  try {
    const trimmed = text.trim();
    records = trimmed.startsWith('[')
      ? (JSON.parse(trimmed) as unknown[])
      : trimmed
          .split('\n')
          .filter((l) => l.trim())
          .map((l) => JSON.parse(l) as unknown);
  } catch (cause) {
    throw new StartupError(
      ErrorCode.BAD_USER_INPUT,
      `--lineage ${path}: not JSON or NDJSON (${(cause as Error).message})`,
      cause,
    );
  }
  return records.map((record, index) => {
    const event = toUsageEvent(record);
    if (!event)
      throw new StartupError(
        ErrorCode.BAD_USER_INPUT,
        `--lineage ${path}: record ${index + 1} is neither a meshgate lineage event nor an OpenLineage RunEvent with the meshgate run facet`,
      );
    return event;
  });
}

interface MeshgateRunFacet {
  principal?: { sub?: unknown };
  client?: { name?: unknown };
  decisions?: { coordinate?: unknown }[];
}

function toUsageEvent(record: unknown): UsageEvent | null {
  if (typeof record !== 'object' || record === null) return null;
  const r = record as Record<string, unknown>;
  if (
    typeof r.time === 'string' &&
    Array.isArray(r.fields) &&
    typeof r.principal === 'object' &&
    r.client !== undefined
  ) {
    const event = fromLineageEvent(r as unknown as LineageEvent);
    return Number.isFinite(event.time) ? event : null;
  }
  const facet = (r.run as { facets?: { meshgate?: MeshgateRunFacet } } | undefined)?.facets?.meshgate;
  const time = typeof r.eventTime === 'string' ? Date.parse(r.eventTime) : NaN;
  if (!facet || !Number.isFinite(time) || typeof facet.principal?.sub !== 'string') return null;
  const coordinates = new Set<string>();
  for (const decision of facet.decisions ?? [])
    if (typeof decision.coordinate === 'string') coordinates.add(decision.coordinate);
  for (const input of (r.inputs as
    { facets?: { schema?: { fields?: { name?: unknown }[] } } }[] | undefined) ?? []) {
    for (const field of input.facets?.schema?.fields ?? [])
      if (typeof field.name === 'string') coordinates.add(field.name);
  }
  return {
    time,
    principal: facet.principal.sub,
    client: typeof facet.client?.name === 'string' ? facet.client.name : null,
    coordinates: [...coordinates],
  };
}

import { CriticalityLevel, diff, type Change } from '@graphql-inspector/core';
import { isEnumType, isInputObjectType, isInterfaceType, isObjectType, type GraphQLSchema } from 'graphql';
import { assertNever } from '../../gateway/common/invariant.js';
import { affectedFields } from './affected-fields.js';
import { finding } from './finding.js';
import type { Place } from './placement.js';
import { splitCoordinate, type SchemaView } from './schema-view.js';
import type { ConsumerUsage, Finding, GovernanceConfig, UsageSource } from './types.js';

export interface ChangeCheckInput {
  readonly base: SchemaView;
  readonly proposed: SchemaView;
  readonly config: GovernanceConfig;
  readonly place: Place;
  /** Null when no lineage is available: `usage.whenUnknown` decides. */
  readonly usage: UsageSource | null;
  readonly now: number;
}

const REMOVALS = new Set(['FIELD_REMOVED', 'ENUM_VALUE_REMOVED', 'INPUT_FIELD_REMOVED', 'TYPE_REMOVED']);
const ADDITIONS = new Set([
  'FIELD_ADDED',
  'ENUM_VALUE_ADDED',
  'INPUT_FIELD_ADDED',
  'TYPE_ADDED',
  'FIELD_ARGUMENT_ADDED',
]);

/**
 * Rules `breaking-change`, `dangerous-change`, `safe-change` and `removal-after-deprecation`:
 * the API schemas diffed by @graphql-inspector/core (removals and renames, type and
 * nullability changes, arguments and defaults, enum values, directive usages). A breaking
 * change lists the consumers lineage saw reading the affected fields within the window; with
 * `usage.blockOnlyIfUsed` an unused one is a note.
 */
export async function checkSchemaChanges(input: ChangeCheckInput): Promise<Finding[]> {
  const { base, proposed, config, place } = input;
  const changes = await diff(base.api, proposed.api);
  const coordinateOf = (change: Change) =>
    change.path === undefined ? null : toCoordinate(change.path, base, proposed);
  // A new element's description or directives come with it: one change, not several.
  const added = new Set(changes.filter((c) => ADDITIONS.has(c.type)).map(coordinateOf));
  const findings: Finding[] = [];
  for (const change of changes) {
    const coordinate = coordinateOf(change);
    if (!ADDITIONS.has(change.type) && coordinate !== null && added.has(coordinate)) continue;
    const view = coordinate !== null && !proposed.has(coordinate) ? base : proposed;
    const placement = place(coordinate, view);
    const level = change.criticality.level;
    switch (level) {
      case CriticalityLevel.Breaking:
        findings.push(...(await breaking(input, change, coordinate, placement)));
        break;
      case CriticalityLevel.Dangerous:
        findings.push(...finding(config, 'dangerous-change', withReason(change), coordinate, placement));
        break;
      case CriticalityLevel.NonBreaking:
        findings.push(...finding(config, 'safe-change', change.message, coordinate, placement));
        break;
      default:
        assertNever(level);
    }
    if (REMOVALS.has(change.type) && coordinate !== null && !wasDeprecated(base.api, coordinate)) {
      findings.push(
        ...finding(
          config,
          'removal-after-deprecation',
          `${coordinate} was removed without being deprecated first: deprecate it with a reason, wait for its consumers to move, then remove it`,
          coordinate,
          placement,
        ),
      );
    }
  }
  return findings;
}

async function breaking(
  input: ChangeCheckInput,
  change: Change,
  coordinate: string | null,
  placement: ReturnType<Place>,
): Promise<Finding[]> {
  const { config, usage } = input;
  const fields = coordinate === null ? [] : affectedFields(input.base.api, coordinate);
  const message = withReason(change);
  if (fields.length === 0) return finding(config, 'breaking-change', message, coordinate, placement);
  if (usage === null) {
    const note = config.usage.whenUnknown === 'pass' ? { severity: 'note' as const } : {};
    return finding(
      config,
      'breaking-change',
      `${message}. Usage unknown: no lineage to ask (set REDIS_URL or pass --lineage FILE)`,
      coordinate,
      placement,
      { ...note, consumers: null },
    );
  }
  const consumers = await usage.consumers(fields, input.now - config.usage.windowMs);
  if (consumers.length > 0) {
    return finding(
      config,
      'breaking-change',
      `${message}. Used in the last ${config.usage.window} by ${describe(consumers)}`,
      coordinate,
      placement,
      { consumers },
    );
  }
  const unused = `${message}. No consumer read ${fields.join(', ')} in the last ${config.usage.window}`;
  return finding(config, 'breaking-change', unused, coordinate, placement, {
    consumers,
    ...(config.usage.blockOnlyIfUsed && { severity: 'note' as const }),
  });
}

function describe(consumers: readonly ConsumerUsage[]): string {
  return consumers
    .map(
      (c) =>
        `${c.principal} via ${c.client ?? '(no client name)'} (${c.count} operation${c.count === 1 ? '' : 's'}, last ${c.lastSeen})`,
    )
    .join('; ');
}

function withReason(change: Change): string {
  const reason = change.criticality.reason;
  return reason && !change.message.includes(reason) ? `${change.message} (${reason})` : change.message;
}

/** An inspector path (`Type`, `Type.field`, `Type.field.arg`, `Enum.VALUE`) as a schema coordinate. */
export function toCoordinate(path: string, ...views: SchemaView[]): string | null {
  const [type, member, third] = path.split('.');
  if (type === undefined || type.startsWith('@')) return null;
  if (member === undefined) return type;
  if (third !== undefined) {
    const argument = `${type}.${member}(${third}:)`;
    if (views.some((view) => view.has(argument))) return argument;
  }
  return `${type}.${member}`;
}

/** Whether the baseline marked the coordinate deprecated (a type: all its members). */
function wasDeprecated(api: GraphQLSchema, coordinate: string): boolean {
  const { type, member } = splitCoordinate(coordinate);
  const named = api.getType(type);
  if (isEnumType(named)) {
    const values =
      member === undefined ? named.getValues() : named.getValues().filter((v) => v.name === member);
    return values.length > 0 && values.every((v) => v.deprecationReason != null);
  }
  if (isObjectType(named) || isInterfaceType(named) || isInputObjectType(named)) {
    const fields = Object.values(named.getFields()).filter((f) => member === undefined || f.name === member);
    return fields.length > 0 && fields.every((f) => f.deprecationReason != null);
  }
  return false;
}

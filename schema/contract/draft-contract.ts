import { stringify } from 'yaml';
import { sdlObjects, type SdlObject, type SdlProperty } from './sdl-objects.js';

/**
 * `meshgate contract init`: a first ODCS v3.1 contract drafted from any federation SDL, for a
 * team whose product is not built here. It holds what the SDL decides (sdl-objects.ts: every
 * object and property, logical types, `required` from non-null, `@tag` classifications), the
 * owner and domain given, an SLA from the platform's defaults, and guesses a person must
 * confirm: classifications from the governance personal-data patterns, physical names, the
 * freshness element. Each guess carries a review mark (`REVIEW_PROPERTY`), which
 * `meshgate check` reports as a warning until it is removed.
 */
export const REVIEW_PROPERTY = 'meshgate.review';

export interface PersonalDataPatternInput {
  readonly label: string;
  readonly field: RegExp;
  readonly types?: RegExp | undefined;
}

export interface DraftContractOptions {
  readonly sdl: string;
  readonly name: string;
  readonly team: string;
  readonly domain: string;
  /** The owner's contact; a placeholder (marked for review) when absent. */
  readonly email?: string | undefined;
  /** governance.yaml `personalData`: the patterns and the classifications (the first is the default). */
  readonly personalData: {
    readonly patterns: readonly PersonalDataPatternInput[];
    readonly classifications: readonly string[];
    readonly ignore?: readonly string[] | undefined;
  };
}

/** The SLA a draft starts from: the scaffold's defaults (schema/scaffold/templates.ts). */
export const DEFAULT_SLA = { availability: 99, latencyP95Ms: 500, errorRate: 1, freshnessHours: 24 } as const;

const TIMESTAMP =
  /^(created|updated|modified|placed|occurred|changed|inserted)(At|On|Time)?$|^(timestamp|updatedAt|createdAt)$/i;

export function draftContract(options: DraftContractOptions): Record<string, unknown> {
  const { name, team, domain, personalData } = options;
  const objects = sdlObjects(options.sdl);
  const review = (note: string) => [{ property: REVIEW_PROPERTY, value: note }];
  const freshness = freshnessElement(objects);
  const schema = objects.map((object) => ({
    name: object.name,
    physicalName: tableName(object.name),
    physicalType: 'table',
    logicalType: 'object',
    ...(object.description && { description: object.description }),
    properties: object.properties.map((p) => draftProperty(object, p, personalData, freshness)),
    customProperties: review(
      `physicalName ${tableName(object.name)} is a guess: name the table (or view) that holds ${object.name}, or remove physicalName and physicalType`,
    ),
  }));
  const placeholderEmail = options.email === undefined;
  return {
    apiVersion: 'v3.1.0',
    kind: 'DataContract',
    id: `${team}-${name}`.replace(/[^A-Za-z0-9_-]/g, '-'),
    name,
    version: '0.1.0',
    status: 'draft',
    domain,
    dataProduct: name,
    description: {
      purpose: `The ${name} data product of the ${domain} domain. Say what it holds, where the data comes from and who should use it.`,
    },
    team: { name: team },
    support: [
      {
        channel: team,
        tool: 'email',
        url: `mailto:${options.email ?? `${team}@example.com`}`,
        scope: 'issues',
      },
    ],
    roles: [
      {
        role: `${name}-reader`,
        access: 'read',
        firstLevelApprovers: `${team}-lead`,
        secondLevelApprovers: 'data-steward',
      },
    ],
    slaProperties: [
      { property: 'availability', value: DEFAULT_SLA.availability, unit: 'percent' },
      { property: 'latency', value: DEFAULT_SLA.latencyP95Ms, unit: 'ms', valueExt: 'p95' },
      { property: 'errorRate', value: DEFAULT_SLA.errorRate, unit: 'percent' },
      {
        property: 'latency',
        value: DEFAULT_SLA.freshnessHours,
        unit: 'h',
        ...(freshness && { element: `${freshness.table}.${freshness.column}` }),
      },
    ],
    schema,
    tags: [domain.toLowerCase().replace(/[^a-z0-9-]/g, '-')],
    customProperties: [
      ...review(
        'SLA from the platform defaults (availability 99 %, p95 500 ms, errors 1 %, freshness 24 h): set what the product promises',
      ),
      ...(placeholderEmail
        ? review(`the support e-mail ${team}@example.com is a placeholder: give the team's address`)
        : []),
    ],
  };
}

/** The draft as YAML, with a header saying what to review. */
export function draftContractText(contract: Record<string, unknown>, source: string): string {
  return `# Data contract (Open Data Contract Standard v3.1) drafted by \`meshgate contract init\` from
# ${source}. Review it: every "${REVIEW_PROPERTY}" entry is a guess to confirm or correct, then
# remove the entry (\`meshgate check\` warns until none is left). A classified field must also
# be tagged in the SDL (@tag(name: "pii")) and covered by a policy rule.
${stringify(contract, { lineWidth: 0 })}`;
}

function draftProperty(
  object: SdlObject,
  p: SdlProperty,
  personalData: DraftContractOptions['personalData'],
  freshness: { object: string; field: string } | null,
): Record<string, unknown> {
  const coordinate = `${object.name}.${p.name}`;
  const isFreshness = freshness?.object === object.name && freshness.field === p.name;
  const pattern =
    p.classification === null && !(personalData.ignore ?? []).includes(coordinate)
      ? personalData.patterns.find(
          (x) => x.field.test(p.name) && (x.types === undefined || x.types.test(object.name)),
        )
      : undefined;
  const drafted = pattern
    ? pattern.label === 'card' && personalData.classifications.includes('pci')
      ? 'pci'
      : (personalData.classifications[0] ?? 'pii')
    : null;
  const notes = [
    ...(pattern
      ? [
          `classification ${drafted} drafted from the personal-data pattern "${pattern.label}": confirm it, tag ${coordinate} @tag(name: "${drafted}") in the SDL and cover it with a policy rule, or remove the classification`,
        ]
      : []),
    ...(isFreshness
      ? [`${coordinate} is the freshness element (slaProperties): confirm it is when the row last changed`]
      : []),
  ];
  return {
    name: p.name,
    physicalName: columnName(p.name),
    logicalType: isFreshness ? 'timestamp' : p.logicalType,
    required: p.required,
    ...((p.classification ?? drafted) && { classification: p.classification ?? drafted }),
    ...(p.description && { description: p.description }),
    ...(notes.length && { customProperties: notes.map((value) => ({ property: REVIEW_PROPERTY, value })) }),
  };
}

/** The first string field named like a change time (`updatedAt`, `createdAt`, …). */
function freshnessElement(
  objects: readonly SdlObject[],
): { object: string; field: string; table: string; column: string } | null {
  for (const object of objects)
    for (const p of object.properties)
      if (p.logicalType === 'string' && TIMESTAMP.test(p.name))
        return {
          object: object.name,
          field: p.name,
          table: tableName(object.name),
          column: columnName(p.name),
        };
  return null;
}

/** `OrderLine` → `order_lines`: the usual table of a type (a guess the draft marks). */
function tableName(type: string): string {
  const snake = columnName(type);
  return snake.endsWith('s') ? snake : `${snake}s`;
}

/** `birthDate` → `birth_date`, a lower-case SQL identifier. */
function columnName(field: string): string {
  const snake = field
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .replace(/[^A-Za-z0-9_]/g, '_')
    .toLowerCase();
  return /^[a-z_]/.test(snake) ? snake : `_${snake}`;
}

/** Where the contract still carries review marks: JSON pointer → the note. */
export function reviewMarks(contract: unknown): { pointer: string; note: string }[] {
  const marks: { pointer: string; note: string }[] = [];
  const visit = (value: unknown, pointer: string) => {
    if (Array.isArray(value)) value.forEach((v, i) => visit(v, `${pointer}/${i}`));
    else if (value && typeof value === 'object') {
      const entry = value as { property?: unknown; value?: unknown };
      if (entry.property === REVIEW_PROPERTY) marks.push({ pointer, note: String(entry.value) });
      else for (const [k, v] of Object.entries(value)) visit(v, `${pointer}/${k}`);
    }
  };
  visit(contract, '');
  return marks;
}

import { z } from 'zod';
import { LIBRARY_METRICS, QUALITY_OPERATORS } from './quality-vocabulary.js';

/**
 * What meshgate requires of an ODCS v3.1 data contract on top of the standard: the parts the
 * platform reads (owner, approvers, SLA numbers, quality rules) must be there and typed. The
 * official JSON Schema (schema/contract/validate-contract.ts) checks the rest; both report
 * JSON pointers. Unknown ODCS fields pass through untouched, so a round trip loses nothing.
 */

const stableId = z.string().regex(/^[A-Za-z0-9_-]+$/, "must be a stable id (letters, digits, '-', '_')");
const customProperty = z.looseObject({ property: z.string(), value: z.unknown() });

const between = z.tuple([z.number(), z.number()]).optional();
/** DataQualityOperators; the official schema allows any value for mustBe/mustNotBe, meshgate compares numbers. */
const operatorShape = {
  mustBe: z.number().optional(),
  mustNotBe: z.number().optional(),
  mustBeGreaterThan: z.number().optional(),
  mustBeGreaterOrEqualTo: z.number().optional(),
  mustBeLessThan: z.number().optional(),
  mustBeLessOrEqualTo: z.number().optional(),
  mustBeBetween: between,
  mustNotBeBetween: between,
} satisfies Record<(typeof QUALITY_OPERATORS)[number], z.ZodType>;

export const QualityEntry = z
  .looseObject({
    id: stableId,
    type: z.enum(['library', 'sql', 'text', 'custom']).default('library'),
    metric: z.enum(LIBRARY_METRICS).optional(),
    query: z.string().min(1).optional(),
    dimension: z.enum([
      'accuracy',
      'completeness',
      'conformity',
      'consistency',
      'coverage',
      'timeliness',
      'uniqueness',
    ]),
    severity: z.enum(['error', 'warning', 'info']),
    unit: z.enum(['rows', 'percent']).optional(),
    description: z.string().optional(),
    arguments: z
      .looseObject({
        validValues: z.array(z.union([z.string(), z.number()])).optional(),
        missingValues: z.array(z.union([z.string(), z.number()])).optional(),
        pattern: z.string().optional(),
      })
      .optional(),
    ...operatorShape,
  })
  .superRefine((rule, ctx) => {
    if (rule.type !== 'library' && rule.type !== 'sql') return;
    const operators = QUALITY_OPERATORS.filter((op) => rule[op] !== undefined);
    if (operators.length !== 1)
      ctx.addIssue({
        code: 'custom',
        message: `needs exactly one of ${QUALITY_OPERATORS.join(', ')}`,
        path: [],
      });
    if (rule.type === 'library' && !rule.metric)
      ctx.addIssue({ code: 'custom', message: 'a library rule needs a metric', path: ['metric'] });
    if (rule.type === 'sql' && !rule.query)
      ctx.addIssue({ code: 'custom', message: 'a sql rule needs a query', path: ['query'] });
  });
export type QualityEntry = z.infer<typeof QualityEntry>;

const physicalName = z.string().regex(/^[a-z_][a-z0-9_]*$/, 'must be a lower-case SQL identifier');

export const ContractProperty = z.looseObject({
  name: z.string().min(1),
  physicalName: physicalName.optional(),
  classification: z.string().optional(),
  quality: z.array(QualityEntry).optional(),
  customProperties: z.array(customProperty).optional(),
});

export const ContractObject = z.looseObject({
  name: z.string().min(1),
  physicalName: physicalName.optional(),
  properties: z.array(ContractProperty).default([]),
  quality: z.array(QualityEntry).optional(),
  customProperties: z.array(customProperty).optional(),
});
export type ContractObject = z.infer<typeof ContractObject>;

const slaProperty = z.looseObject({
  property: z.string(),
  value: z.union([z.string(), z.number(), z.boolean(), z.null()]),
  valueExt: z.unknown().optional(),
  unit: z.string().optional(),
  element: z
    .string()
    .regex(/^[a-z_][a-z0-9_]*\.[a-z_][a-z0-9_]*$/, 'must be a table.column element')
    .optional(),
});
export type SlaProperty = z.infer<typeof slaProperty>;

export const ContractProfile = z.looseObject({
  apiVersion: z.literal('v3.1.0'),
  kind: z.literal('DataContract'),
  id: stableId,
  name: z.string().regex(/^[a-z][a-z0-9-]*$/, 'must be the data product name (a-z, 0-9, -)'),
  dataProduct: z.string().min(1),
  domain: z.string().min(1),
  version: z.string().regex(/^\d+\.\d+\.\d+$/, 'must be semver MAJOR.MINOR.PATCH'),
  status: z.enum(['draft', 'active', 'deprecated', 'retired']),
  description: z.looseObject({ purpose: z.string().min(1) }),
  team: z.looseObject({ name: z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'must be a team slug') }),
  support: z
    .array(z.looseObject({ channel: z.string(), tool: z.string().optional(), url: z.string().optional() }))
    .refine((items) => items.some(isEmailChannel), {
      message: 'needs an email channel (tool: email, url: mailto:TEAM@…): the owner’s contact',
    }),
  roles: z
    .array(
      z.looseObject({
        role: z.string().min(1),
        access: z.enum(['read', 'write']),
        firstLevelApprovers: z.string().min(1),
        secondLevelApprovers: z.string().optional(),
      }),
    )
    .min(1, 'name at least one role with its approvers'),
  slaProperties: z.array(slaProperty),
  schema: z.array(ContractObject),
  tags: z.array(z.string()).default([]),
});
export type ContractProfile = z.infer<typeof ContractProfile>;

export function isEmailChannel(item: { tool?: string | undefined; url?: string | undefined }): boolean {
  return item.tool === 'email' && /^mailto:[^@\s]+@[^@\s]+\.[^@\s]+$/.test(item.url ?? '');
}

/** A zod path as a JSON pointer (RFC 6901), the form ajv's `instancePath` takes. */
export function jsonPointer(path: readonly PropertyKey[]): string {
  return path.map((p) => `/${String(p).replaceAll('~', '~0').replaceAll('/', '~1')}`).join('');
}

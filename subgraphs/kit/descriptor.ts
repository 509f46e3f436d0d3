import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { z } from 'zod';
import { ErrorCode, StartupError } from '../../gateway/common/errors.js';

/**
 * The data product descriptor (`product.yaml`), after the Open Data Product Standard and the
 * Open Data Contract Standard: who owns the product, what it promises (SLOs) and which of its
 * fields hold personal (pii) or payment (pci) data.
 */
export const Classification = z.enum(['pii', 'pci', 'confidential']);
export type Classification = z.infer<typeof Classification>;

const coordinate = z
  .string()
  .regex(/^[A-Z][A-Za-z0-9]*\.[a-z][A-Za-z0-9]*$/, 'must be a Type.field coordinate');

export const DataProductDescriptor = z
  .object({
    apiVersion: z.literal('meshgate/v1'),
    kind: z.literal('DataProduct'),
    name: z.string().regex(/^[a-z][a-z0-9-]*$/),
    domain: z.string().min(1),
    owner: z.object({ team: z.string().min(1), email: z.email() }).strict(),
    description: z.string().min(1),
    version: z.string().regex(/^\d+\.\d+\.\d+$/, 'must be semver MAJOR.MINOR.PATCH'),
    status: z.enum(['draft', 'active', 'deprecated', 'retired']),
    slo: z
      .object({
        freshness: z.string().regex(/^\d+(m|h|d)$/, 'must be a duration such as 15m, 24h or 7d'),
        availability: z.number().gt(0).lte(100),
      })
      .strict(),
    classification: z.record(coordinate, Classification),
    tags: z.array(z.string()).default([]),
  })
  .strict();
export type DataProductDescriptor = z.infer<typeof DataProductDescriptor>;

export function readDescriptor(path: string): DataProductDescriptor {
  const result = DataProductDescriptor.safeParse(parse(readFileSync(path, 'utf8')));
  if (!result.success) {
    const problems = result.error.issues
      .map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`)
      .join('; ');
    throw new StartupError(ErrorCode.CONFIG_INVALID, `invalid data product descriptor ${path}: ${problems}`);
  }
  return Object.freeze(result.data);
}

import { z } from 'zod';
import type { EntryMeta, InvalidationRequest } from './types.js';

/** One invalidation, as the CLI, the admin route and the pub/sub channel carry it. */
export const InvalidationRequestSchema = z
  .object({
    product: z.string().regex(/^[a-z][a-z0-9_-]*$/, 'must be a data product name such as customers'),
    type: z
      .string()
      .regex(/^[_A-Za-z][_0-9A-Za-z]*$/, 'must be a GraphQL type name such as Customer')
      .optional(),
    key: z.string().min(1, 'must not be empty').optional(),
  })
  .strict()
  .refine((r) => r.key === undefined || r.type !== undefined, {
    message: '--key needs --type: a key is the key of one type',
    path: ['key'],
  });

/** The channel every replica subscribes to. */
export function invalidationChannel(prefix: string): string {
  return `${prefix}invalidate`;
}

/**
 * Which entries an invalidation drops. A product alone: all of its subgraph's entries. With
 * a type (and a key): that type's entities (with that key), and every root-field answer of
 * the product, since a list may hold the entity and its key is not visible in the entry's
 * key. A key is `value` (some key field of the representation equals it) or
 * `field=value,field=value` (each equals); values compare as strings, as IDs travel.
 */
export function invalidationMatcher(request: InvalidationRequest): (meta: EntryMeta) => boolean {
  const wanted = request.key === undefined ? null : keyFields(request.key);
  return (meta) => {
    if (meta.subgraph !== request.product) return false;
    if (request.type === undefined || meta.typename === null) return true;
    if (meta.typename !== request.type) return false;
    if (wanted === null || meta.representation === null) return true;
    const representation = meta.representation;
    if (typeof wanted === 'string')
      return Object.entries(representation).some(
        ([name, value]) => name !== '__typename' && isScalar(value) && String(value) === wanted,
      );
    return Object.entries(wanted).every(
      ([name, value]) => isScalar(representation[name]) && String(representation[name]) === value,
    );
  };
}

function keyFields(key: string): string | Record<string, string> {
  if (!/^[_A-Za-z]\w*=/.test(key)) return key;
  const fields: Record<string, string> = {};
  for (const pair of key.split(',')) {
    const at = pair.indexOf('=');
    if (at < 1) return key;
    fields[pair.slice(0, at).trim()] = pair.slice(at + 1).trim();
  }
  return fields;
}

function isScalar(value: unknown): value is string | number | boolean {
  return typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean';
}

export function describeInvalidation(request: InvalidationRequest): string {
  if (request.type === undefined) return request.product;
  return `${request.product} ${request.type}${request.key === undefined ? '' : ` ${request.key}`}`;
}

import { createHmac } from 'node:crypto';
import { assertNever } from '../common/invariant.js';
import type { MaskStrategy } from './types.js';

export const REDACTED = '[REDACTED]';

/**
 * Masks one value. Strategies transform strings (String and ID fields):
 *
 * - `null`: null.
 * - `redact`: the fixed string `[REDACTED]`.
 * - `hash`: `h:` + the first 16 hex digits of HMAC-SHA256(key, value): stable for a key, so
 *   masked values still join across queries and domains, and not reversible without the key.
 * - `last4`: `****` + the last four characters (`****4242`).
 * - `email`: the first character of the local part, `***`, the domain (`j***@example.com`).
 * - `year`: the year of an ISO 8601 date or timestamp (`1985-03-12` → `1985`).
 *
 * Lists are masked element by element, objects leaf by leaf (a masked composite field hides
 * every string beneath it); any non-string leaf becomes null, as it has no safe partial form.
 */
export function createMasker(hashKey: Buffer): (value: unknown, strategy: MaskStrategy) => unknown {
  const mask = (value: unknown, strategy: MaskStrategy): unknown => {
    if (value === null || value === undefined || strategy === 'null') return null;
    if (Array.isArray(value)) return value.map((v) => mask(v, strategy));
    if (typeof value === 'object') {
      return Object.fromEntries(
        Object.entries(value).map(([k, v]) => [k, k === '__typename' ? v : mask(v, strategy)]),
      );
    }
    if (typeof value !== 'string') return null;
    switch (strategy) {
      case 'redact':
        return REDACTED;
      case 'hash':
        return `h:${createHmac('sha256', hashKey).update(value).digest('hex').slice(0, 16)}`;
      case 'last4':
        return `****${value.slice(-4)}`;
      case 'email': {
        const at = value.lastIndexOf('@');
        return at > 0 ? `${value[0]}***${value.slice(at)}` : '***';
      }
      case 'year':
        return /^(\d{4})-\d{2}/.exec(value)?.[1] ?? null;
      default:
        return assertNever(strategy);
    }
  };
  return mask;
}

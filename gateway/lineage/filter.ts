import { ErrorCode, StartupError } from '../common/errors.js';
import type { LineageEvent, LineageFilter } from './types.js';

const UNITS: Record<string, number> = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/**
 * `--since`: a duration back from `now` (`90s`, `15m`, `1h`, `7d`) or an ISO 8601 time.
 * Returns epoch milliseconds; throws BAD_USER_INPUT naming the value otherwise.
 */
export function parseSince(text: string, now = Date.now()): number {
  const match = /^(\d+)([smhd])$/.exec(text.trim());
  if (match) return now - Number(match[1]) * UNITS[match[2]!]!;
  const time = Date.parse(text);
  if (/^\d{4}-\d{2}-\d{2}/.test(text) && Number.isFinite(time)) return time;
  throw new StartupError(
    ErrorCode.BAD_USER_INPUT,
    `since "${text}" is neither a duration (30s, 15m, 1h, 7d) nor an ISO 8601 time`,
  );
}

/** Whether an event passes every filter that is set (time, product, principal, field). */
export function matches(event: LineageEvent, filter: LineageFilter): boolean {
  const time = Date.parse(event.time);
  if (time < filter.since || (filter.until !== undefined && time > filter.until)) return false;
  if (filter.product !== undefined && !event.products.includes(filter.product)) return false;
  if (filter.principal !== undefined && event.principal.sub !== filter.principal) return false;
  if (filter.field !== undefined && !event.fields.some((f) => f.coordinate === filter.field)) return false;
  return true;
}

import { ErrorCode, httpStatusOf, type HttpErrorCode } from '../../common/errors.js';
import type { Principal } from '../../common/types.js';
import { InvalidationRequestSchema } from './invalidation.js';
import type { EntityCache } from './types.js';

/** Roles that may read the cache's stats and invalidate it. */
export const CACHE_ADMIN_ROLES = ['admin', 'data-steward'] as const;

export interface AdminResponse {
  readonly status: number;
  readonly body: unknown;
}

/** `GET /admin/cache`: this replica's counters, entries and bytes. */
export function cacheStatsAdmin(cache: EntityCache, principal: Principal): AdminResponse {
  return forbidden(principal) ?? { status: 200, body: cache.stats() };
}

/**
 * `POST /admin/cache/invalidate` with `{ product, type?, key? }`: drops the entries
 * everywhere (every replica over Redis pub/sub when there is Redis; this one otherwise).
 * 400 BAD_USER_INPUT names a bad field; 503 CACHE_UNAVAILABLE when Redis refuses.
 */
export async function cacheInvalidateAdmin(
  cache: EntityCache,
  principal: Principal,
  body: unknown,
): Promise<AdminResponse> {
  const refused = forbidden(principal);
  if (refused) return refused;
  const parsed = InvalidationRequestSchema.safeParse(body ?? {});
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    return error(ErrorCode.BAD_USER_INPUT, `${String(issue.path[0] ?? 'body')}: ${issue.message}`);
  }
  try {
    const { invalidated, replicas } = await cache.invalidate(parsed.data);
    return { status: 200, body: { ...parsed.data, invalidated, replicas } };
  } catch (cause) {
    return error(
      ErrorCode.CACHE_UNAVAILABLE,
      `cannot reach Redis to invalidate on every replica: ${(cause as Error).message}`,
    );
  }
}

function forbidden(principal: Principal): AdminResponse | null {
  if (principal.roles.some((role) => (CACHE_ADMIN_ROLES as readonly string[]).includes(role))) return null;
  return error(
    ErrorCode.CACHE_FORBIDDEN,
    `the entity cache is administered with role ${CACHE_ADMIN_ROLES.join(' or ')}; ${principal.sub} has none`,
  );
}

function error(code: HttpErrorCode, message: string): AdminResponse {
  return { status: httpStatusOf(code), body: { error: { code, message } } };
}

import type { FastifyInstance } from 'fastify';
import { STEWARD_ROLES } from '../../auth/roles.js';
import type { Authenticate } from '../../auth/types.js';
import { ErrorCode } from '../../common/errors.js';
import { answer, refusal, type AdminAnswer } from '../../http/admin-answer.js';
import { adminRoute } from '../../http/admin-route.js';
import { InvalidationRequestSchema } from './invalidation.js';
import type { EntityCache } from './types.js';

export interface CacheRouteOptions {
  /** The function /graphql authenticates with. */
  readonly authenticate: Authenticate;
  readonly cache: EntityCache;
}

/**
 * `GET /admin/cache` and `POST /admin/cache/invalidate`, for role admin or data-steward (403
 * CACHE_FORBIDDEN otherwise). Registered only when the cache is on: without it they are 404s.
 */
export function registerCacheRoutes(app: FastifyInstance, { authenticate, cache }: CacheRouteOptions): void {
  const access = { roles: STEWARD_ROLES, forbidden: ErrorCode.CACHE_FORBIDDEN } as const;
  adminRoute(app, authenticate, {
    ...access,
    method: 'GET',
    url: '/admin/cache',
    handle: () => cacheStatsAdmin(cache),
  });
  adminRoute(app, authenticate, {
    ...access,
    method: 'POST',
    url: '/admin/cache/invalidate',
    handle: (request) => cacheInvalidateAdmin(cache, request.body),
  });
}

/** `GET /admin/cache`: this replica's counters, entries and bytes. */
export function cacheStatsAdmin(cache: EntityCache): AdminAnswer {
  return answer(cache.stats());
}

/**
 * `POST /admin/cache/invalidate` with `{ product, type?, key? }`: drops the entries
 * everywhere (every replica over Redis pub/sub when there is Redis; this one otherwise).
 * 400 BAD_USER_INPUT names a bad field; 503 CACHE_UNAVAILABLE when Redis refuses.
 */
export async function cacheInvalidateAdmin(cache: EntityCache, body: unknown): Promise<AdminAnswer> {
  const parsed = InvalidationRequestSchema.safeParse(body ?? {});
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    return refusal(ErrorCode.BAD_USER_INPUT, `${String(issue.path[0] ?? 'body')}: ${issue.message}`);
  }
  try {
    const { invalidated, replicas } = await cache.invalidate(parsed.data);
    return answer({ ...parsed.data, invalidated, replicas });
  } catch (cause) {
    return refusal(
      ErrorCode.CACHE_UNAVAILABLE,
      `cannot reach Redis to invalidate on every replica: ${(cause as Error).message}`,
    );
  }
}

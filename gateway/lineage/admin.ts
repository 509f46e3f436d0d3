import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { STEWARD_ROLES } from '../auth/roles.js';
import type { Authenticate } from '../auth/types.js';
import { ErrorCode } from '../common/errors.js';
import { answer, refusal, type AdminAnswer } from '../http/admin-answer.js';
import { adminRoute } from '../http/admin-route.js';
import { consumersOf } from './consumers.js';
import { parseSince } from './filter.js';
import type { LineageFilter, LineageStore } from './types.js';

const Query = z.object({
  product: z.string().min(1).optional(),
  principal: z.string().min(1).optional(),
  field: z
    .string()
    .regex(/^[A-Za-z_]\w*\.[A-Za-z_]\w*$/, 'must be a coordinate Type.field')
    .optional(),
  since: z.string().min(1).default('1h'),
  limit: z.coerce
    .number({ error: 'must be a number' })
    .int('must be an integer')
    .min(1, 'must be 1 to 10000')
    .max(10_000, 'must be 1 to 10000')
    .default(1_000),
  report: z.enum(['events', 'consumers']).default('events'),
});

export interface LineageRouteOptions {
  /** The function /graphql authenticates with. */
  readonly authenticate: Authenticate;
  readonly store: LineageStore;
}

/**
 * `GET /admin/lineage`, for role admin or data-steward (403 LINEAGE_FORBIDDEN otherwise):
 * lineage says who read what, which is itself sensitive.
 */
export function registerLineageRoutes(
  app: FastifyInstance,
  { authenticate, store }: LineageRouteOptions,
): void {
  adminRoute(app, authenticate, {
    method: 'GET',
    url: '/admin/lineage',
    roles: STEWARD_ROLES,
    forbidden: ErrorCode.LINEAGE_FORBIDDEN,
    handle: (request) => lineageAdmin(store, request.query),
  });
}

/**
 * `GET /admin/lineage?product=&since=&principal=&field=&limit=&report=events|consumers`: the
 * CLI's `lineage query` over HTTP (400 BAD_USER_INPUT naming a bad parameter).
 * `report=consumers` needs `product` and answers the consumers report of that data product.
 */
export async function lineageAdmin(store: LineageStore, query: unknown): Promise<AdminAnswer> {
  const parsed = Query.safeParse(query);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    return refusal(ErrorCode.BAD_USER_INPUT, `${String(issue.path[0] ?? 'query')}: ${issue.message}`);
  }
  const q = parsed.data;
  let since: number;
  try {
    since = parseSince(q.since);
  } catch (cause) {
    return refusal(ErrorCode.BAD_USER_INPUT, (cause as Error).message);
  }
  if (q.report === 'consumers' && q.product === undefined)
    return refusal(ErrorCode.BAD_USER_INPUT, 'product: the consumers report is per data product');
  const filter: LineageFilter = {
    since,
    product: q.product,
    principal: q.principal,
    field: q.field,
    limit: q.report === 'consumers' ? 100_000 : q.limit,
  };
  const events = await store.query(filter);
  if (q.report === 'consumers')
    return answer({
      product: q.product,
      since: new Date(since).toISOString(),
      consumers: consumersOf(events, q.product!),
    });
  return answer({ count: events.length, events });
}

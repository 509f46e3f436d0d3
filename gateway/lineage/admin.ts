import { z } from 'zod';
import { ErrorCode, httpStatusOf, type HttpErrorCode } from '../common/errors.js';
import type { Principal } from '../common/types.js';
import { consumersOf } from './consumers.js';
import { parseSince } from './filter.js';
import type { LineageFilter, LineageStore } from './types.js';

/** Roles that may read lineage: it says who read what, which is itself sensitive. */
export const LINEAGE_READER_ROLES = ['admin', 'data-steward'] as const;

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

export interface AdminResponse {
  readonly status: number;
  readonly body: unknown;
}

/**
 * `GET /admin/lineage?product=&since=&principal=&field=&limit=&report=events|consumers`: the
 * CLI's `lineage query` over HTTP, for principals with role admin or data-steward (403
 * LINEAGE_FORBIDDEN otherwise; 400 BAD_USER_INPUT naming a bad parameter). `report=consumers`
 * needs `product` and answers the consumers report of that data product.
 */
export async function lineageAdmin(
  store: LineageStore,
  principal: Principal,
  query: unknown,
): Promise<AdminResponse> {
  if (!principal.roles.some((role) => (LINEAGE_READER_ROLES as readonly string[]).includes(role))) {
    return error(
      ErrorCode.LINEAGE_FORBIDDEN,
      `lineage is readable with role ${LINEAGE_READER_ROLES.join(' or ')}; ${principal.sub} has none`,
    );
  }
  const parsed = Query.safeParse(query);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    return error(ErrorCode.BAD_USER_INPUT, `${String(issue.path[0] ?? 'query')}: ${issue.message}`);
  }
  const q = parsed.data;
  let since: number;
  try {
    since = parseSince(q.since);
  } catch (cause) {
    return error(ErrorCode.BAD_USER_INPUT, (cause as Error).message);
  }
  if (q.report === 'consumers' && q.product === undefined)
    return error(ErrorCode.BAD_USER_INPUT, 'product: the consumers report is per data product');
  const filter: LineageFilter = {
    since,
    product: q.product,
    principal: q.principal,
    field: q.field,
    limit: q.report === 'consumers' ? 100_000 : q.limit,
  };
  const events = await store.query(filter);
  if (q.report === 'consumers')
    return {
      status: 200,
      body: {
        product: q.product,
        since: new Date(since).toISOString(),
        consumers: consumersOf(events, q.product!),
      },
    };
  return { status: 200, body: { count: events.length, events } };
}

function error(code: HttpErrorCode, message: string): AdminResponse {
  return { status: httpStatusOf(code), body: { error: { code, message } } };
}

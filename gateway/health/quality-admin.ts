import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { STEWARD_ROLES } from '../auth/roles.js';
import type { Authenticate } from '../auth/types.js';
import { ErrorCode } from '../common/errors.js';
import { answer, refusal, type AdminAnswer } from '../http/admin-answer.js';
import { adminRoute } from '../http/admin-route.js';
import type { QualitySchedule } from './quality-schedule.js';
import type { QualityStore } from './types.js';

export interface QualityRouteOptions {
  readonly authenticate: Authenticate;
  /** The gateway's schedule of every product it measures; null with quality off (503). */
  readonly schedule: QualitySchedule | null;
  /** Where results are kept, for their history; null with quality off (503). */
  readonly store: QualityStore | null;
}

const RunBody = z.object({ product: z.string().min(1).optional() }).strict();
const HistoryQuery = z.object({
  product: z.string().min(1),
  rule: z.string().min(1),
  limit: z.coerce.number().int().min(1).max(1_000).default(20),
});

/**
 * What `meshgate quality run|freshness|history` asks of a running gateway, for role admin or
 * data-steward (403 QUALITY_FORBIDDEN otherwise):
 * - `POST /admin/quality/run` `{ product? }`: every product's rules now, in the databases the
 *   gateway measures (kit products' and `servers` entries'), recorded like a scheduled run;
 *   the answer has one product's results with `product`;
 * - `POST /admin/quality/freshness` `{ product? }`: the freshness probes now, recorded;
 * - `GET /admin/quality/history?product=&rule=&limit=`: a rule's results, newest first.
 */
export function registerQualityRoutes(
  app: FastifyInstance,
  { authenticate, schedule, store }: QualityRouteOptions,
): void {
  const access = { roles: STEWARD_ROLES, forbidden: ErrorCode.QUALITY_FORBIDDEN } as const;
  adminRoute(app, authenticate, {
    ...access,
    method: 'POST',
    url: '/admin/quality/run',
    handle: async (request) => runNow(schedule, request.body, (s) => s.runQualityNow()),
  });
  adminRoute(app, authenticate, {
    ...access,
    method: 'POST',
    url: '/admin/quality/freshness',
    handle: async (request) => runNow(schedule, request.body, (s) => s.probeFreshnessNow()),
  });
  adminRoute(app, authenticate, {
    ...access,
    method: 'GET',
    url: '/admin/quality/history',
    handle: async (request) => {
      if (!store) return unavailable();
      const parsed = HistoryQuery.safeParse(request.query);
      if (!parsed.success) return badInput(parsed.error);
      const { product, rule, limit } = parsed.data;
      return answer({ history: await store.history(product, rule, limit) });
    },
  });
}

async function runNow<T extends { readonly product: string }>(
  schedule: QualitySchedule | null,
  body: unknown,
  run: (schedule: QualitySchedule) => Promise<readonly T[]>,
): Promise<AdminAnswer> {
  if (!schedule) return unavailable();
  const parsed = RunBody.safeParse(body ?? {});
  if (!parsed.success) return badInput(parsed.error);
  const { product } = parsed.data;
  let all: readonly T[];
  try {
    all = await run(schedule);
  } catch (error) {
    // Recording the run failed (the quality store away or too slow), or a database would not answer.
    return refusal(
      ErrorCode.QUALITY_UNAVAILABLE,
      `the run failed: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
  const results = product ? all.filter((r) => r.product === product) : all;
  if (product && results.length === 0)
    return refusal(
      ErrorCode.UNKNOWN_SUBGRAPH,
      `no data product "${product}" measured by this gateway (not in service, or no rules and no database)`,
    );
  return answer({ results });
}

const unavailable = () =>
  refusal(
    ErrorCode.QUALITY_UNAVAILABLE,
    'quality is off on this gateway (MESHGATE_QUALITY=off, or no quality store)',
  );

function badInput(error: z.ZodError): AdminAnswer {
  const issue = error.issues[0]!;
  return refusal(ErrorCode.BAD_USER_INPUT, `${issue.path.join('.') || 'request'}: ${issue.message}`);
}

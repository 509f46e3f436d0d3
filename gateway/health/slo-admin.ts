import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { STEWARD_ROLES } from '../auth/roles.js';
import type { Authenticate } from '../auth/types.js';
import { ErrorCode } from '../common/errors.js';
import { answer, refusal, type AdminAnswer } from '../http/admin-answer.js';
import { adminRoute } from '../http/admin-route.js';
import { SERIES_TIERS, type SloStatus } from './slo-status.js';

const Query = z.object({
  product: z.string().min(1).optional(),
  /** A time series of one product over this window, for charts. */
  series: z
    .enum(Object.keys(SERIES_TIERS) as [keyof typeof SERIES_TIERS, ...(keyof typeof SERIES_TIERS)[]])
    .optional(),
});

export interface SloRouteOptions {
  /** The function /graphql authenticates with. */
  readonly authenticate: Authenticate;
  /** Null with MESHGATE_SLI=off: 503 SLO_UNAVAILABLE (after the role check). */
  readonly slo: SloStatus | null;
}

/** `GET /admin/slo`, for role admin or data-steward (403 SLO_FORBIDDEN otherwise). */
export function registerSloRoutes(app: FastifyInstance, { authenticate, slo }: SloRouteOptions): void {
  adminRoute(app, authenticate, {
    method: 'GET',
    url: '/admin/slo',
    roles: STEWARD_ROLES,
    forbidden: ErrorCode.SLO_FORBIDDEN,
    handle: (request) => sloAdmin(slo, request.query),
  });
}

/**
 * `GET /admin/slo?product=&series=5m|1h|6h|3d|30d`: every product's health, SLIs per window,
 * error budget and burn rates (what `meshgate slo --json` prints), with the SLI time series
 * of one product on request. 400 BAD_USER_INPUT for a bad parameter; 404 UNKNOWN_SUBGRAPH for
 * a product not in service.
 */
export async function sloAdmin(slo: SloStatus | null, query: unknown): Promise<AdminAnswer> {
  if (!slo) return refusal(ErrorCode.SLO_UNAVAILABLE, 'SLIs are off on this gateway (MESHGATE_SLI=off)');
  const parsed = Query.safeParse(query);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    return refusal(ErrorCode.BAD_USER_INPUT, `${String(issue.path[0] ?? 'query')}: ${issue.message}`);
  }
  const { product, series } = parsed.data;
  if (series && !product)
    return refusal(ErrorCode.BAD_USER_INPUT, 'series: a series is of one product (add product=)');
  // An admin reads what was just recorded, never a scrape's cached status.
  const products = await slo.sloStatus(product, { maxAgeMs: 0 });
  if (product && products.length === 0)
    return refusal(ErrorCode.UNKNOWN_SUBGRAPH, `no data product "${product}" in the supergraph in service`);
  return answer({
    products,
    ...(series && product && { series: { window: series, points: await slo.sliSeries(product, series) } }),
  });
}

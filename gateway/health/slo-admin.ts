import { z } from 'zod';
import { ErrorCode, httpStatusOf, type HttpErrorCode } from '../common/errors.js';
import type { Principal } from '../common/types.js';
import { SERIES_TIERS, type SloStatus } from './slo-status.js';

/** Who may read SLOs and health over HTTP: the data owners' stewards and the platform's admins. */
export const SLO_READER_ROLES: readonly string[] = ['admin', 'data-steward'];

const Query = z.object({
  product: z.string().min(1).optional(),
  /** A time series of one product over this window, for charts. */
  series: z
    .enum(Object.keys(SERIES_TIERS) as [keyof typeof SERIES_TIERS, ...(keyof typeof SERIES_TIERS)[]])
    .optional(),
});

export interface SloAdminResponse {
  readonly status: number;
  readonly body: unknown;
}

/**
 * `GET /admin/slo?product=&series=5m|1h|6h|3d|30d`: every product's health, SLIs per window,
 * error budget and burn rates (what `meshgate slo --json` prints), with the SLI time series
 * of one product on request. 403 SLO_FORBIDDEN without role admin or data-steward; 400
 * BAD_USER_INPUT for a bad parameter; 404 UNKNOWN_SUBGRAPH for a product not in service.
 */
export async function sloAdmin(
  /** Null with MESHGATE_SLI=off: 503 SLO_UNAVAILABLE (after the role check). */
  slo: SloStatus | null,
  principal: Principal,
  query: unknown,
): Promise<SloAdminResponse> {
  if (!principal.roles.some((role) => SLO_READER_ROLES.includes(role)))
    return error(
      ErrorCode.SLO_FORBIDDEN,
      `SLOs are readable with role ${SLO_READER_ROLES.join(' or ')}; ${principal.sub} has none`,
    );
  if (!slo) return error(ErrorCode.SLO_UNAVAILABLE, 'SLIs are off on this gateway (MESHGATE_SLI=off)');
  const parsed = Query.safeParse(query);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    return error(ErrorCode.BAD_USER_INPUT, `${String(issue.path[0] ?? 'query')}: ${issue.message}`);
  }
  const { product, series } = parsed.data;
  if (series && !product)
    return error(ErrorCode.BAD_USER_INPUT, 'series: a series is of one product (add product=)');
  // An admin reads what was just recorded, never a scrape's cached status.
  const products = await slo.sloStatus(product, { maxAgeMs: 0 });
  if (product && products.length === 0)
    return error(ErrorCode.UNKNOWN_SUBGRAPH, `no data product "${product}" in the supergraph in service`);
  return {
    status: 200,
    body: {
      products,
      ...(series && product && { series: { window: series, points: await slo.sliSeries(product, series) } }),
    },
  };
}

function error(code: HttpErrorCode, message: string): SloAdminResponse {
  return { status: httpStatusOf(code), body: { error: { code, message } } };
}

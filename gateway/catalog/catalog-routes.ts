import type { FastifyInstance, FastifyRequest } from 'fastify';
import { CATALOG_READER_ROLES } from '../auth/roles.js';
import type { Authenticate } from '../auth/types.js';
import { ErrorCode } from '../common/errors.js';
import { answer, refusal, type AdminAnswer } from '../http/admin-answer.js';
import { adminRoute } from '../http/admin-route.js';
import { buildCatalog, type CatalogSources } from './build-catalog.js';

export interface CatalogRouteOptions {
  readonly authenticate: Authenticate;
  /** What the catalog is built from, for the supergraph in service; null before one is loaded. */
  readonly sources: () => CatalogSources | null;
}

type CatalogRequest = FastifyRequest<{ Params: { product?: string } }>;

/**
 * `GET /catalog` (every data product) and `GET /catalog/:product` (one), as JSON, for the
 * catalog readers (403 CATALOG_FORBIDDEN otherwise). Built per request from the supergraph in
 * service, so a publish shows at once.
 */
export function registerCatalogRoutes(app: FastifyInstance, options: CatalogRouteOptions): void {
  const handle = async (request: CatalogRequest): Promise<AdminAnswer> => {
    const sources = options.sources();
    if (!sources) return refusal(ErrorCode.SUBGRAPH_UNAVAILABLE, 'no supergraph is served yet');
    const catalog = await buildCatalog(sources);
    const { product } = request.params;
    if (product === undefined) return answer(catalog);
    const entry = catalog.products.find((p) => p.name === product);
    if (!entry)
      return refusal(ErrorCode.UNKNOWN_SUBGRAPH, `no data product "${product}" in the supergraph in service`);
    return answer({ ...catalog, products: [entry] });
  };
  for (const url of ['/catalog', '/catalog/:product'])
    adminRoute<{ Params: { product?: string } }>(app, options.authenticate, {
      method: 'GET',
      url,
      roles: CATALOG_READER_ROLES,
      forbidden: ErrorCode.CATALOG_FORBIDDEN,
      handle,
    });
}

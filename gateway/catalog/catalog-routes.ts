import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { routePrincipal } from '../auth/route-principal.js';
import type { Authenticate } from '../auth/types.js';
import { ErrorCode, httpStatusOf, type HttpErrorCode } from '../common/errors.js';
import { buildCatalog, type CatalogSources } from './build-catalog.js';

/** Who may browse the catalog: analysts discover products, admins and stewards govern them. */
export const CATALOG_READER_ROLES: readonly string[] = ['analyst', 'admin', 'data-steward'];

export interface CatalogRouteOptions {
  readonly authenticate: Authenticate;
  /** What the catalog is built from, for the supergraph in service; null before one is loaded. */
  readonly sources: () => CatalogSources | null;
}

/**
 * `GET /catalog` (every data product) and `GET /catalog/:product` (one), as JSON. Built per
 * request from the supergraph in service, so a publish shows at once.
 */
export function registerCatalogRoutes(app: FastifyInstance, options: CatalogRouteOptions): void {
  const handler = async (request: FastifyRequest<{ Params: { product?: string } }>, reply: FastifyReply) => {
    const fail = (code: HttpErrorCode, message: string) =>
      reply.code(httpStatusOf(code)).send({ error: { code, message } });
    const principal = await routePrincipal(options.authenticate, request, reply);
    if (!principal) return reply;
    if (!principal.roles.some((role) => CATALOG_READER_ROLES.includes(role))) {
      return fail(
        ErrorCode.CATALOG_FORBIDDEN,
        `the catalog is for the roles ${CATALOG_READER_ROLES.join(', ')}`,
      );
    }
    const sources = options.sources();
    if (!sources) return fail(ErrorCode.SUBGRAPH_UNAVAILABLE, 'no supergraph is served yet');
    const catalog = await buildCatalog(sources);
    const { product } = request.params;
    if (product === undefined) return reply.send(catalog);
    const entry = catalog.products.find((p) => p.name === product);
    if (!entry)
      return fail(ErrorCode.UNKNOWN_SUBGRAPH, `no data product "${product}" in the supergraph in service`);
    return reply.send({ ...catalog, products: [entry] });
  };
  app.get('/catalog', handler);
  app.get('/catalog/:product', handler);
}

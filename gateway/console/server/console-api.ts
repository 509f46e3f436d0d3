import type { FastifyInstance, FastifyRequest, RouteGenericInterface } from 'fastify';
import { z } from 'zod';
import { CATALOG_READER_ROLES, STEWARD_ROLES } from '../../auth/roles.js';
import type { Authenticate } from '../../auth/types.js';
import { ErrorCode, MeshgateGraphQLError, StartupError } from '../../common/errors.js';
import type { Principal } from '../../common/types.js';
import { answer, refusal, type AdminAnswer } from '../../http/admin-answer.js';
import { adminRoute, type AdminAccess } from '../../http/admin-route.js';
import type { QualityStore } from '../../health/types.js';
import type { PolicyEngine } from '../../policy/types.js';
import type { Registry } from '../../../schema/registry/types.js';
import type { DataProductDescriptor } from '../../protocol/index.js';
import { CONSOLE_PERSONAS } from './personas.js';
import { policyMatrix } from './policy-matrix.js';
import type { SchemaChecks } from './schema-checks.js';
import { schemaVersions } from './schema-versions.js';

export interface ConsoleApiOptions {
  readonly authenticate: Authenticate;
  /** The policy engine of the supergraph in service; undefined before one loaded. */
  readonly engine: () => PolicyEngine | undefined;
  /** The products in service, to answer 404 for another name. */
  readonly products: () => readonly string[];
  /** The descriptors that came with the supergraph in service (supergraph/use-supergraph.ts). */
  readonly descriptors: () => readonly DataProductDescriptor[];
  readonly quality: QualityStore | null;
  readonly registry: () => Registry | null;
  readonly checks: () => Promise<SchemaChecks>;
}

const MatrixRequest = z.object({
  personas: z
    .array(z.enum(Object.keys(CONSOLE_PERSONAS) as [string, ...string[]]))
    .max(20)
    .default([]),
  tokens: z.array(z.string().min(1).max(8192)).max(20).default([]),
  query: z.string().max(100_000).nullish(),
});

const HISTORY = 50;

/**
 * The console's own JSON API, for what no other endpoint serves: a product's quality history
 * and schema versions (catalog readers, as /catalog), the policy matrix and the schema checks
 * (admin and data-steward). Each route authenticates as /graphql does (the session maps to a
 * bearer token, session-bearer.ts) and authorizes on the server; the catalog, SLIs and lineage
 * come from /catalog, /admin/slo and /admin/lineage themselves.
 */
export function registerConsoleApi(app: FastifyInstance, options: ConsoleApiOptions): void {
  // Signed out: 401 CONSOLE_SESSION_REQUIRED (the page offers to sign in), before the role check.
  const catalogReaders: AdminAccess = { roles: CATALOG_READER_ROLES, forbidden: ErrorCode.CATALOG_FORBIDDEN };
  const governance: AdminAccess = { roles: STEWARD_ROLES, forbidden: ErrorCode.CONSOLE_FORBIDDEN };
  const route = <R extends RouteGenericInterface>(
    access: AdminAccess,
    method: 'GET' | 'POST',
    url: string,
    handle: (request: FastifyRequest<R>) => Promise<AdminAnswer>,
  ) =>
    adminRoute<R>(app, options.authenticate, {
      ...access,
      method,
      url,
      anonymous: ErrorCode.CONSOLE_SESSION_REQUIRED,
      handle,
    });
  const product = (name: string): AdminAnswer | null =>
    options.products().includes(name)
      ? null
      : refusal(ErrorCode.UNKNOWN_SUBGRAPH, `no data product "${name}" in the supergraph in service`);

  type ProductRoute = { Params: { name: string } };
  route<ProductRoute>(catalogReaders, 'GET', '/console/api/products/:name/quality', async (request) => {
    const { name } = request.params;
    const unknown = product(name);
    if (unknown) return unknown;
    const store = options.quality;
    if (!store)
      return answer({
        available: false,
        reason: 'quality rules are not run for this gateway (MESHGATE_QUALITY=off)',
      });
    const latest = await store.latest(name);
    const history = Object.fromEntries(
      await Promise.all(
        latest.map(async (r) => [r.ruleId, await store.history(name, r.ruleId, HISTORY)] as const),
      ),
    );
    return answer({
      available: true,
      latest,
      history,
      freshness: await store.freshnessHistory(name, HISTORY),
    });
  });
  route<ProductRoute>(catalogReaders, 'GET', '/console/api/products/:name/contract', async (request) => {
    const { name } = request.params;
    const unknown = product(name);
    if (unknown) return unknown;
    const descriptors = options.descriptors();
    const d = descriptors.find((x) => x.name === name);
    if (!d) return answer({ available: false, reason: `"${name}" has no data contract` });
    // What the product page shows of the contract; its full text stays with `meshgate contract export`.
    return answer({
      available: true,
      name: d.name,
      description: d.description,
      owner: d.owner,
      support: d.support,
      roles: d.roles,
      sla: d.sla,
      quality: d.quality.map((q) => ({
        id: q.id,
        dimension: q.dimension,
        description: q.description ?? null,
      })),
    });
  });
  route<ProductRoute>(catalogReaders, 'GET', '/console/api/products/:name/versions', async (request) => {
    const unknown = product(request.params.name);
    return unknown ?? answer(await schemaVersions(options.registry(), request.params.name));
  });

  const matrix = async (input: unknown): Promise<AdminAnswer> => {
    const parsed = MatrixRequest.safeParse(input ?? {});
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      return refusal(ErrorCode.BAD_USER_INPUT, `${issue.path.join('.') || 'body'}: ${issue.message}`);
    }
    const engine = options.engine();
    if (!engine) return refusal(ErrorCode.SUBGRAPH_UNAVAILABLE, 'no supergraph is served yet');
    const { personas, tokens, query } = parsed.data;
    const principals: Principal[] = (
      personas.length || tokens.length ? personas : Object.keys(CONSOLE_PERSONAS)
    ).map((name) => CONSOLE_PERSONAS[name]!);
    for (const [i, token] of tokens.entries()) {
      try {
        principals.push(await options.authenticate(`Bearer ${token.trim()}`));
      } catch (error) {
        if (!(error instanceof MeshgateGraphQLError)) throw error;
        return refusal(ErrorCode.BAD_USER_INPUT, `tokens.${i}: ${error.message}`);
      }
    }
    try {
      return answer(policyMatrix(engine, principals, query?.trim() ? query : null));
    } catch (error) {
      return refusal(ErrorCode.BAD_USER_INPUT, `query: ${(error as Error).message}`);
    }
  };
  // Tokens and operations go in a POST body (never a URL); GET explains the personas over every field.
  route(governance, 'GET', '/console/api/policy-matrix', async () => matrix({}));
  route(governance, 'POST', '/console/api/policy-matrix', async (request) => matrix(request.body));
  route(governance, 'GET', '/console/api/checks', async () =>
    answer(
      // A check that cannot run (`meshgate check` exits 2) is shown as such, with its code.
      await options.checks().catch((error: unknown) => {
        if (!(error instanceof StartupError)) throw error;
        return { available: false, reason: `error[${error.code}]: ${error.message}` };
      }),
    ),
  );
}

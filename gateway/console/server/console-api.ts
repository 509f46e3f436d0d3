import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { routePrincipal } from '../../auth/route-principal.js';
import type { Authenticate } from '../../auth/types.js';
import {
  ErrorCode,
  httpStatusOf,
  MeshgateGraphQLError,
  messageOf,
  StartupError,
  type HttpErrorCode,
} from '../../common/errors.js';
import type { Principal } from '../../common/types.js';
import type { QualityStore } from '../../health/types.js';
import type { PolicyEngine } from '../../policy/types.js';
import type { Registry } from '../../../schema/registry/types.js';
import { dataProducts } from '../../../subgraphs/index.js';
import type { DataProductDescriptor } from '../../../subgraphs/kit/descriptor.js';
import { mayGovern, mayReadCatalog } from './capabilities.js';
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
  /** The descriptors published with the supergraph in service; null: this repository's. */
  readonly descriptors: () => readonly DataProductDescriptor[] | null;
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
  type Check = (principal: Principal) => boolean;
  const guarded =
    <R extends FastifyRequest>(
      allowed: Check,
      forbidden: HttpErrorCode,
      handle: (request: R, principal: Principal) => Promise<unknown>,
    ) =>
    async (request: R, reply: FastifyReply) => {
      const principal = await routePrincipal(options.authenticate, request, reply);
      if (!principal) return reply;
      if (principal.anonymous) return fail(reply, ErrorCode.CONSOLE_SESSION_REQUIRED);
      if (!allowed(principal)) return fail(reply, forbidden);
      const body = await handle(request, principal);
      return body instanceof Refusal
        ? fail(reply, body.code, body.message)
        : reply.header('cache-control', 'no-store').send(body);
    };
  const product = (name: string): Refusal | null =>
    options.products().includes(name)
      ? null
      : new Refusal(ErrorCode.UNKNOWN_SUBGRAPH, `no data product "${name}" in the supergraph in service`);

  type ProductRequest = FastifyRequest<{ Params: { name: string } }>;
  app.get(
    '/console/api/products/:name/quality',
    guarded(mayReadCatalog, ErrorCode.CATALOG_FORBIDDEN, async (request: ProductRequest) => {
      const { name } = request.params;
      const unknown = product(name);
      if (unknown) return unknown;
      const store = options.quality;
      if (!store)
        return {
          available: false,
          reason: 'quality rules are not run for this gateway (MESHGATE_QUALITY=off)',
        };
      const latest = await store.latest(name);
      const history = Object.fromEntries(
        await Promise.all(
          latest.map(async (r) => [r.ruleId, await store.history(name, r.ruleId, HISTORY)] as const),
        ),
      );
      return { available: true, latest, history, freshness: await store.freshnessHistory(name, HISTORY) };
    }),
  );
  app.get(
    '/console/api/products/:name/contract',
    guarded(mayReadCatalog, ErrorCode.CATALOG_FORBIDDEN, async (request: ProductRequest) => {
      const { name } = request.params;
      const unknown = product(name);
      if (unknown) return unknown;
      const descriptors = options.descriptors() ?? dataProducts.map((p) => p.descriptor);
      const d = descriptors.find((x) => x.name === name);
      if (!d) return { available: false, reason: `"${name}" has no data contract` };
      // What the product page shows of the contract; its full text stays with `meshgate contract export`.
      return {
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
      };
    }),
  );
  app.get(
    '/console/api/products/:name/versions',
    guarded(mayReadCatalog, ErrorCode.CATALOG_FORBIDDEN, async (request: ProductRequest) => {
      const unknown = product(request.params.name);
      return unknown ?? schemaVersions(options.registry(), request.params.name);
    }),
  );

  const matrix = async (input: unknown): Promise<unknown> => {
    const parsed = MatrixRequest.safeParse(input ?? {});
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      return new Refusal(ErrorCode.BAD_USER_INPUT, `${issue.path.join('.') || 'body'}: ${issue.message}`);
    }
    const engine = options.engine();
    if (!engine) return new Refusal(ErrorCode.SUBGRAPH_UNAVAILABLE, 'no supergraph is served yet');
    const { personas, tokens, query } = parsed.data;
    const principals: Principal[] = (
      personas.length || tokens.length ? personas : Object.keys(CONSOLE_PERSONAS)
    ).map((name) => CONSOLE_PERSONAS[name]!);
    for (const [i, token] of tokens.entries()) {
      try {
        principals.push(options.authenticate(`Bearer ${token.trim()}`));
      } catch (error) {
        if (!(error instanceof MeshgateGraphQLError)) throw error;
        return new Refusal(ErrorCode.BAD_USER_INPUT, `tokens.${i}: ${error.message}`);
      }
    }
    try {
      return policyMatrix(engine, principals, query?.trim() ? query : null);
    } catch (error) {
      return new Refusal(ErrorCode.BAD_USER_INPUT, `query: ${(error as Error).message}`);
    }
  };
  // Tokens and operations go in a POST body (never a URL); GET explains the personas over every field.
  app.get(
    '/console/api/policy-matrix',
    guarded(mayGovern, ErrorCode.CONSOLE_FORBIDDEN, async () => matrix({})),
  );
  app.post(
    '/console/api/policy-matrix',
    guarded(mayGovern, ErrorCode.CONSOLE_FORBIDDEN, async (request) => matrix(request.body)),
  );
  app.get(
    '/console/api/checks',
    guarded(mayGovern, ErrorCode.CONSOLE_FORBIDDEN, async () =>
      // A check that cannot run (`meshgate check` exits 2) is shown as such, with its code.
      options.checks().catch((error: unknown) => {
        if (!(error instanceof StartupError)) throw error;
        return { available: false, reason: `error[${error.code}]: ${error.message}` };
      }),
    ),
  );
}

class Refusal {
  constructor(
    readonly code: HttpErrorCode,
    readonly message?: string,
  ) {}
}

function fail(reply: FastifyReply, code: HttpErrorCode, message = messageOf(code)): FastifyReply {
  return reply.code(httpStatusOf(code)).send({ error: { code, message } });
}

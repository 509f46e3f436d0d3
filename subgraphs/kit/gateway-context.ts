import type { KeyObject } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import {
  CONTEXT_TOKEN_HEADER,
  createContextTokenVerifier,
  createRemoteContextTokenVerifier,
} from '../../gateway/protocol/index.js';
import { ErrorCode, httpStatusOf } from '../../gateway/common/errors.js';
import { RowFilters, unenforceable, type RowFilterTargets } from './row-filter.js';

/** What a product enforces of the gateway's row filters (row-filter.ts). */
export interface RowFilterEnforcement {
  /** The product's name: its entry of the token's `filters` claim. */
  readonly subgraph: string;
  /** The types and columns it can filter; none when absent, so any filter refuses. */
  readonly targets?: RowFilterTargets | undefined;
}

const filtersOfRequest = new WeakMap<FastifyRequest, RowFilters>();

/** The row filters of a verified request (RowFilters.NONE for one that carries none). */
export function requestRowFilters(request: FastifyRequest): RowFilters {
  return filtersOfRequest.get(request) ?? RowFilters.NONE;
}

/**
 * No bypass: a data product answers GraphQL only to the gateway. Every request to `path`
 * (queries, `_entities`, `_service` alike) must carry the gateway's short-lived context token
 * (`x-meshgate-context`, ES256, principal + row filters), verified with the gateway's public
 * key: a KeyObject, or the gateway's JWKS URL (`/.well-known/meshgate/keys`, fetched and
 * refetched on an unknown `kid` by jose); anything else gets 401
 * CONTEXT_TOKEN_INVALID before Apollo Server sees it. Health and readiness stay open.
 *
 * The token's row filters for this product are checked here too: one the product cannot
 * enforce (a type or field it did not declare filterable) refuses the whole request with
 * ROW_FILTER_UNENFORCEABLE, so a filter is never silently ignored.
 */
export function requireGatewayContext(
  app: FastifyInstance,
  path: string,
  key: KeyObject | URL,
  enforcement?: RowFilterEnforcement,
): void {
  const verify = key instanceof URL ? createRemoteContextTokenVerifier(key) : createContextTokenVerifier(key);
  app.addHook('onRequest', async (request, reply) => {
    if (request.url !== path && !request.url.startsWith(`${path}?`)) return;
    const header = request.headers[CONTEXT_TOKEN_HEADER];
    const claims = await verify(typeof header === 'string' ? header : undefined);
    if (claims) {
      const mine = enforcement ? (claims.filters[enforcement.subgraph] ?? []) : [];
      const problem = mine.length ? unenforceable(mine, enforcement?.targets ?? {}) : undefined;
      if (!problem) {
        if (mine.length)
          filtersOfRequest.set(
            request,
            RowFilters.of(claims.filters, enforcement!.subgraph, enforcement!.targets ?? {}),
          );
        return;
      }
      await refuse(reply, ErrorCode.ROW_FILTER_UNENFORCEABLE, `Row filter not enforceable here: ${problem}`);
      return;
    }
    await refuse(
      reply,
      ErrorCode.CONTEXT_TOKEN_INVALID,
      'This data product answers only requests through the meshgate gateway (missing or invalid context token)',
    );
  });
}

async function refuse(
  reply: FastifyReply,
  code: ErrorCode.CONTEXT_TOKEN_INVALID | ErrorCode.ROW_FILTER_UNENFORCEABLE,
  message: string,
): Promise<void> {
  // A filter refusal is a GraphQL answer (200, no data, the error): the gateway then passes its
  // code to the client, where a 4xx would reach it only as SUBGRAPH_UNAVAILABLE.
  await reply
    .code(code === ErrorCode.ROW_FILTER_UNENFORCEABLE ? 200 : httpStatusOf(code))
    .header('content-type', 'application/json; charset=utf-8')
    .send({ errors: [{ message, extensions: { code } }] });
}

import { HeaderMap, type HTTPGraphQLResponse } from '@apollo/server';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { GraphQLError, print } from 'graphql';
import { ErrorCode, httpStatusOf } from '../common/errors.js';
import type { Pipeline, Stage } from '../pipeline/types.js';
import { requestIdFrom } from '../http/request-id.js';
import { incrementalEntries, type PartResult } from './delivery.js';
import { mayUseDefer, parseOperation, splitOperation, type DeferSplit } from './split-operation.js';

/** What Apollo Client's Defer20220824Handler sends (and Relay/urql's multipart fetchers accept). */
const MULTIPART = 'multipart/mixed; boundary="-"; deferSpec=20220824';

interface GraphQLBody {
  query: string;
  operationName?: string | null;
  variables?: Record<string, unknown> | null;
  extensions?: Record<string, unknown>;
}

/**
 * The @defer stage, in front of Apollo's route on `path`. @apollo/gateway cannot execute the planner's
 * Defer nodes ("@defer support is not available in the gateway") and Apollo Server returns a
 * single result for a gateway, so meshgate splits the operation itself: the initial part and one
 * part per deferred fragment, each an ordinary operation through the whole pipeline (auth,
 * limits, policies, masking apply to each), run concurrently; the subgraph fetches they share are
 * de-duplicated in flight (subgraph-fetch/inflight-fetch.ts). The multipart answer streams the
 * initial part first, then each deferred part as it finishes. Without the multipart Accept the
 * @defer directives are removed and Apollo's route answers with one ordinary response.
 */
export function useDefer(path = '/graphql'): Stage {
  return {
    name: 'defer',
    routes(app, pipeline) {
      app.addHook('preHandler', async (request, reply) => {
        if (request.method !== 'POST' || request.routeOptions.url !== path) return;
        const body = request.body;
        if (!isGraphQLBody(body) || !mayUseDefer(body.query)) return;
        let split: DeferSplit | null;
        try {
          split = splitOperation(parseOperation(body.query), body.operationName, body.variables ?? {});
        } catch (error) {
          // A parse error: Apollo's pipeline answers it with its usual GRAPHQL_PARSE_FAILED.
          if (!(error instanceof GraphQLError) || error.extensions.code !== ErrorCode.DEFER_INVALID) return;
          return reply
            .code(httpStatusOf(ErrorCode.DEFER_INVALID))
            .send({ errors: [{ message: error.message, extensions: { code: ErrorCode.DEFER_INVALID } }] });
        }
        if (!split) return;
        if (!acceptsMultipart(request.headers.accept)) {
          request.body = { ...body, query: print(split.stripped) };
          return;
        }
        return streamParts(request, reply, body, split, pipeline);
      });
    },
  };
}

async function streamParts(
  request: FastifyRequest,
  reply: FastifyReply,
  body: GraphQLBody,
  split: DeferSplit,
  pipeline: Pipeline,
): Promise<FastifyReply> {
  // One request id for all the parts: their log lines, fetches and the lineage event correlate.
  const requestId = requestIdFrom(request.headers['x-request-id']);
  // Each part's state takes its id from the request, as /graphql's does: the same one for all.
  request.headers['x-request-id'] = requestId;
  const headers = new HeaderMap();
  for (const [name, value] of Object.entries(request.headers))
    if (typeof value === 'string') headers.set(name, value);
  headers.set('accept', 'application/json');
  headers.set('x-request-id', requestId);
  const run = (query: string, role: 'initial' | 'deferred') =>
    pipeline.execute({ method: 'POST', headers, search: '', body: { ...body, query } }, request, reply, {
      role,
      operation: split.stripped,
    });
  // All parts start now; the initial one is written first, the others as they finish.
  const initialRun = run(split.initial, 'initial');
  const deferredRuns = split.deferred.map((part, index) =>
    run(part.query, 'deferred').then(async (response) => ({ index, result: await resultOf(response) })),
  );
  const initialResponse = await initialRun;
  const initialBody = await bodyOf(initialResponse);
  const initial = JSON.parse(initialBody) as PartResult;
  // Refused as a whole (401, 400, 429 …): one ordinary response, as without @defer.
  if ((initialResponse.status ?? 200) !== 200 || !('data' in initial) || initial.data === null) {
    void reply.code(initialResponse.status ?? 200);
    for (const [name, value] of initialResponse.headers) void reply.header(name, value);
    return reply.send(initialBody);
  }
  reply.hijack();
  // Hijacked: fastify writes nothing more, so the headers its hooks set are copied here.
  for (const [name, value] of Object.entries(reply.getHeaders()))
    if (value !== undefined) reply.raw.setHeader(name, typeof value === 'number' ? String(value) : value);
  reply.raw.writeHead(200, { 'content-type': MULTIPART, 'x-request-id': requestId });
  const hasNext = split.deferred.length > 0;
  reply.raw.write(
    `\r\n---\r\ncontent-type: application/json; charset=utf-8\r\n\r\n${JSON.stringify({ ...initial, hasNext })}\r\n---${hasNext ? '' : '--'}\r\n`,
  );
  const pending = new Map(deferredRuns.map((promise, index) => [index, promise]));
  while (pending.size > 0) {
    const { index, result } = await Promise.race(pending.values());
    pending.delete(index);
    const part = split.deferred[index];
    const incremental = part ? incrementalEntries(part, result, initial) : [];
    const more = pending.size > 0;
    reply.raw.write(
      `content-type: application/json; charset=utf-8\r\n\r\n${JSON.stringify({ incremental, hasNext: more })}\r\n---${more ? '' : '--'}\r\n`,
    );
  }
  reply.raw.end();
  return reply;
}

async function resultOf(response: HTTPGraphQLResponse): Promise<PartResult> {
  try {
    return JSON.parse(await bodyOf(response)) as PartResult;
  } catch {
    return {
      errors: [
        {
          message: 'A deferred part answered with no JSON',
          extensions: { code: ErrorCode.INTERNAL_SERVER_ERROR },
        },
      ],
    };
  }
}

async function bodyOf(response: HTTPGraphQLResponse): Promise<string> {
  if (response.body.kind === 'complete') return response.body.string;
  let text = '';
  for await (const chunk of response.body.asyncIterator) text += chunk;
  return text;
}

/** Accept negotiates the deferSpec=20220824 multipart format (parameters in any order and spacing). */
export function acceptsMultipart(accept: string | undefined): boolean {
  return (accept ?? '').split(',').some((range) => {
    const [type, ...parameters] = range.split(';').map((piece) => piece.trim().toLowerCase());
    return (
      type === 'multipart/mixed' &&
      parameters.some((parameter) => parameter.replace(/\s+/g, '') === 'deferspec=20220824')
    );
  });
}

function isGraphQLBody(body: unknown): body is GraphQLBody {
  return (
    typeof body === 'object' &&
    body !== null &&
    !Array.isArray(body) &&
    typeof (body as { query?: unknown }).query === 'string'
  );
}

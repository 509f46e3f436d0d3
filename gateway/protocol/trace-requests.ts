import {
  context,
  SpanKind,
  SpanStatusCode,
  trace,
  type Attributes,
  type Context,
  type Span,
} from '@opentelemetry/api';
import {
  ATTR_HTTP_REQUEST_METHOD,
  ATTR_HTTP_RESPONSE_STATUS_CODE,
  ATTR_HTTP_ROUTE,
  ATTR_URL_PATH,
} from '@opentelemetry/semantic-conventions';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { tracingActive } from '../common/tracing-active.js';
import { extractTraceContext, REQUEST_ID_ATTRIBUTE } from './trace-propagation.js';

export interface TraceRequestsOptions {
  /** The server span's name: `POST /graphql` (the default) on the gateway, `subgraph orders` on a data product. */
  name?: string;
  attributes?: Attributes;
}

/**
 * A SERVER span per request on `path` (`/graphql`: health, metrics and admin routes are not the
 * request path), from arrival (`onRequest`) to the response sent
 * (`onResponse`), continuing the caller's W3C `traceparent`: a client's on the gateway, the
 * gateway's fetch on a data product. It is made the active span at `preHandler`, once the body
 * is read (a body's stream events run in the socket's async context, so a context entered
 * earlier would not reach the handler), so everything the handler runs nests under it. No
 * query string is recorded: a GET carries its variables there.
 */
export function traceRequests(app: FastifyInstance, path: string, options: TraceRequestsOptions = {}): void {
  const name = options.name ?? `POST ${path}`;
  const spans = new WeakMap<FastifyRequest, { span: Span; ctx: Context }>();
  app.addHook('onRequest', (request, _reply, done) => {
    if (!tracingActive() || request.routeOptions.url !== path) return done();
    const parent = extractTraceContext(request.headers);
    const span = trace.getTracer('meshgate-server').startSpan(
      name,
      {
        kind: SpanKind.SERVER,
        attributes: {
          ...options.attributes,
          [ATTR_HTTP_REQUEST_METHOD]: request.method,
          [ATTR_HTTP_ROUTE]: path,
          [ATTR_URL_PATH]: path,
        },
      },
      parent,
    );
    spans.set(request, { span, ctx: trace.setSpan(parent, span) });
    done();
  });
  app.addHook('preHandler', (request, _reply, done) => {
    const traced = spans.get(request);
    if (!traced) return done();
    context.with(traced.ctx, done);
  });
  const end = (request: FastifyRequest, status: number | undefined, requestId: unknown) => {
    const traced = spans.get(request);
    if (!traced) return;
    spans.delete(request);
    if (status !== undefined) traced.span.setAttribute(ATTR_HTTP_RESPONSE_STATUS_CODE, status);
    if (typeof requestId === 'string') traced.span.setAttribute(REQUEST_ID_ATTRIBUTE, requestId);
    // HTTP semantic conventions: a 4xx is the client's mistake, not an error of the server span.
    if (status === undefined || status >= 500) traced.span.setStatus({ code: SpanStatusCode.ERROR });
    traced.span.end();
  };
  app.addHook('onResponse', (request, reply, done) => {
    end(request, reply.statusCode, reply.getHeader('x-request-id') ?? request.headers['x-request-id']);
    done();
  });
  // The client went away before the answer: the span still ends (an error: no response was sent).
  app.addHook('onRequestAbort', (request, done) => {
    end(request, undefined, undefined);
    done();
  });
}

import { context, propagation, ROOT_CONTEXT, type Context, type TextMapSetter } from '@opentelemetry/api';

/**
 * Trace propagation between the gateway and a data product: W3C Trace Context (`traceparent`,
 * `tracestate`) and W3C Baggage headers, through the OpenTelemetry API's registered
 * propagator (OTEL_PROPAGATORS). The gateway injects them into each subgraph fetch; the
 * product extracts them, so its server span is the child of the gateway's fetch span.
 */

/**
 * The span attribute naming the data product whose work a span is, on the gateway's fetch
 * spans and on every span a product makes: in one process (`npm start`) the gateway and the
 * products share one tracer provider, so one resource, and this is what says whose a span is.
 */
export const PRODUCT_ATTRIBUTE = 'meshgate.product';
/** The request id (`x-request-id`) on a server span. */
export const REQUEST_ID_ATTRIBUTE = 'meshgate.request_id';

/** The request headers of an outgoing fetch, as @apollo/gateway's data source holds them. */
export interface HeaderSink {
  set(name: string, value: string): void;
}

const setter: TextMapSetter<HeaderSink> = { set: (headers, name, value) => headers.set(name, value) };

/** Writes the active context's `traceparent` (and `baggage`) into an outgoing request's headers. */
export function injectTraceContext(headers: HeaderSink): void {
  propagation.inject(context.active(), headers, setter);
}

/**
 * The caller's trace context from an incoming request's headers, over the root context: nothing
 * of this process's own context leaks into a request's trace.
 */
export function extractTraceContext(
  headers: Readonly<Record<string, string | string[] | undefined>>,
): Context {
  return propagation.extract(ROOT_CONTEXT, headers);
}

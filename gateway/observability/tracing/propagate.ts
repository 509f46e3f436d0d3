import { context, propagation, trace, type TextMapSetter } from '@opentelemetry/api';
import { tracingActive } from './process-tracing.js';
import { PRODUCT_ATTRIBUTE } from './attributes.js';

/** The request headers of a subgraph fetch, as @apollo/gateway's data source holds them. */
export interface HeaderSink {
  set(name: string, value: string): void;
}

const setter: TextMapSetter<HeaderSink> = { set: (headers, name, value) => headers.set(name, value) };

/**
 * Called by the subgraph data source as a fetch is sent, inside @apollo/gateway's
 * `gateway.fetch` span: names the data product on that span, and writes the W3C
 * `traceparent` (and `baggage`) of it into the fetch's headers, so the product's server span
 * is its child. Unsampled traces propagate too (the flag tells the product not to record).
 */
export function traceSubgraphFetch(headers: HeaderSink | undefined, subgraph: string): void {
  if (!headers || !tracingActive()) return;
  const span = trace.getActiveSpan();
  if (span?.isRecording()) span.setAttribute(PRODUCT_ATTRIBUTE, subgraph);
  propagation.inject(context.active(), headers, setter);
}

import { trace } from '@opentelemetry/api';
import { tracingActive } from '../../common/tracing-active.js';
import { injectTraceContext, PRODUCT_ATTRIBUTE, type HeaderSink } from '../../protocol/index.js';

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
  injectTraceContext(headers);
}

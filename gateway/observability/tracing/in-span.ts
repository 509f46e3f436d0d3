import { INVALID_SPAN_CONTEXT, trace, type Attributes, type Span } from '@opentelemetry/api';
import { endWhenSettled } from '../../common/end-when-settled.js';
import { tracingActive } from '../../common/tracing-active.js';

/** The instrumentation scope of meshgate's own gateway spans. */
export const GATEWAY_TRACER = 'meshgate-gateway';

/** What `fn` gets when nothing is recorded: every call on it is a no-op. */
const NOT_RECORDED: Span = trace.wrapSpanContext(INVALID_SPAN_CONTEXT);

/**
 * Runs one stage of the request path in a span named after it, child of the active span, and
 * active itself while `fn` runs (so what the stage calls nests under it). `fn` may add
 * attributes it learns on the way. Without a registered provider, or inside a trace that is
 * not sampled, `fn` runs directly: no span, no context switch.
 *
 * Attributes are the caller's: names, hashes, counts, never variable or field values. A
 * failure sets the status and `error.type` (the error's code), never the message, which can
 * quote a value ("Variable "$id" got invalid value …").
 */
export function inSpan<T>(name: string, attributes: Attributes, fn: (span: Span) => T): T {
  if (!tracingActive() || !trace.getActiveSpan()?.isRecording()) return fn(NOT_RECORDED);
  return trace
    .getTracer(GATEWAY_TRACER)
    .startActiveSpan(name, { attributes }, (span) => endWhenSettled(span, () => fn(span)));
}

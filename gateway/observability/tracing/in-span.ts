import { INVALID_SPAN_CONTEXT, SpanStatusCode, trace, type Attributes, type Span } from '@opentelemetry/api';
import { ATTR_ERROR_TYPE } from '@opentelemetry/semantic-conventions';
import { tracingActive } from './process-tracing.js';

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

/**
 * Runs `fn` and ends `span` when it settles (a promise when it resolves or rejects), marking
 * it failed on an error; `onValue` may add what the result tells (a statement's row count).
 */
export function endWhenSettled<T>(span: Span, fn: () => T, onValue?: (value: unknown) => void): T {
  try {
    const result = fn();
    if (result instanceof Promise)
      return result.then(
        (value: unknown) => {
          onValue?.(value);
          span.end();
          return value;
        },
        (error: unknown) => {
          failed(span, error);
          span.end();
          throw error;
        },
      ) as T;
    onValue?.(result);
    span.end();
    return result;
  } catch (error) {
    failed(span, error);
    span.end();
    throw error;
  }
}

/** Marks a span failed with the error's code (GraphQL `extensions.code`, Node's `code`, or its class). */
export function failed(span: Span, error: unknown): void {
  span.setStatus({ code: SpanStatusCode.ERROR });
  span.setAttribute(ATTR_ERROR_TYPE, errorType(error));
}

export function errorType(error: unknown): string {
  const e = error as { extensions?: { code?: unknown }; code?: unknown; name?: unknown } | null;
  const code = e?.extensions?.code ?? e?.code ?? e?.name;
  return typeof code === 'string' && code ? code : 'Error';
}

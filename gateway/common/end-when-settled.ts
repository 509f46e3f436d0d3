import { SpanStatusCode, type Span } from '@opentelemetry/api';
import { ATTR_ERROR_TYPE } from '@opentelemetry/semantic-conventions';

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

/**
 * Whether a tracer provider is registered in this process (gateway/observability/tracing/
 * process-tracing.ts registers it). The span helpers of the gateway and of the data products'
 * kit call straight through while it is false, so tracing off costs nothing. Kept apart from
 * the registration so that a product's kit can ask without importing the OpenTelemetry SDK.
 */
let active = false;

export function tracingActive(): boolean {
  return active;
}

/** Called by the registration only, as the process's provider comes and goes. */
export function setTracingActive(on: boolean): void {
  active = on;
}

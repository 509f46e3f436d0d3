import { setTracingActive } from '../../common/tracing-active.js';
import { registerTracerProvider, type RegisteredProvider } from './tracer-provider.js';
import type { Tracing, TracingConfig } from './types.js';

/**
 * The OpenTelemetry API keeps one tracer provider per process, and `npm start` runs the
 * gateway and the five data products in one process (gateway/cli/mesh.ts): so the provider is
 * registered once, by whichever starts first, shared by every user in the process, and shut
 * down (flushed) when the last one releases it. This module state mirrors the API's own
 * global; nothing per request lives here.
 */
let shared: { provider: RegisteredProvider; users: number } | null = null;

export interface AcquireOptions {
  /** `service.name` when OTEL_SERVICE_NAME does not say: `meshgate`, or `meshgate-orders` for a product alone. */
  defaultServiceName?: string;
}

/** Null when tracing is off: nothing is registered and nothing costs. */
export function acquireTracing(config: TracingConfig, options: AcquireOptions = {}): Tracing | null {
  if (!config.enabled) return null;
  shared ??= { provider: registerTracerProvider(config, options.defaultServiceName ?? 'meshgate'), users: 0 };
  // True while a provider is registered: the span helpers call straight through otherwise.
  setTracingActive(true);
  const held = shared;
  held.users++;
  let released = false;
  return {
    forceFlush: () => held.provider.forceFlush(),
    async release() {
      if (released) return;
      released = true;
      if (--held.users > 0) return;
      if (shared === held) {
        shared = null;
        setTracingActive(false);
      }
      await held.provider.shutdown();
    },
  };
}

/** The tracing module's public contracts: its validated configuration and a registered provider. */

/** `OTEL_TRACES_SAMPLER`: the samplers the OpenTelemetry specification names (environment-variables spec). */
export type SamplerName =
  | 'always_on'
  | 'always_off'
  | 'traceidratio'
  | 'parentbased_always_on'
  | 'parentbased_always_off'
  | 'parentbased_traceidratio';

/** `OTEL_PROPAGATORS`: what meshgate can read and write (W3C Trace Context and W3C Baggage). */
export type PropagatorName = 'tracecontext' | 'baggage';

export type TracingConfig =
  /** Off (the default): nothing is registered, every span helper calls straight through. */
  | { readonly enabled: false }
  | {
      readonly enabled: true;
      /** OTEL_SERVICE_NAME; `meshgate` when unset (the resource's `service.name`). */
      readonly serviceName: string | undefined;
      /** OTEL_RESOURCE_ATTRIBUTES, decoded. */
      readonly resourceAttributes: Readonly<Record<string, string>>;
      /** Where spans are posted: OTEL_EXPORTER_OTLP_TRACES_ENDPOINT, or OTEL_EXPORTER_OTLP_ENDPOINT + `/v1/traces`. */
      readonly endpoint: string;
      /** OTEL_EXPORTER_OTLP_HEADERS with OTEL_EXPORTER_OTLP_TRACES_HEADERS over it. */
      readonly headers: Readonly<Record<string, string>>;
      readonly timeoutMs: number;
      readonly sampler: { readonly name: SamplerName; readonly ratio: number };
      readonly propagators: readonly PropagatorName[];
      /** The batch span processor (OTEL_BSP_*): spans leave the request path in batches. */
      readonly batch: {
        readonly scheduledDelayMillis: number;
        readonly exportTimeoutMillis: number;
        readonly maxQueueSize: number;
        readonly maxExportBatchSize: number;
      };
    };

/** A registered tracer provider, shared by whatever runs in this process. */
export interface Tracing {
  /** Exports what is buffered now (tests, before reading the receiver). */
  forceFlush(): Promise<void>;
  /**
   * Gives this user's hold back; the last one flushes what is buffered, shuts the provider
   * down and unregisters the global tracer, context manager and propagator.
   */
  release(): Promise<void>;
}

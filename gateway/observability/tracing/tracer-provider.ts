import { context, propagation, trace, type TextMapPropagator } from '@opentelemetry/api';
import { CompositePropagator, W3CBaggagePropagator, W3CTraceContextPropagator } from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { defaultResource, resourceFromAttributes } from '@opentelemetry/resources';
import {
  AlwaysOffSampler,
  AlwaysOnSampler,
  BatchSpanProcessor,
  ParentBasedSampler,
  TraceIdRatioBasedSampler,
  type Sampler,
} from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { randomUUID } from 'node:crypto';
import { ATTR_SERVICE_INSTANCE_ID, ATTR_SERVICE_NAME } from '@opentelemetry/semantic-conventions';
import type { TracingConfig } from './types.js';

type Enabled = Extract<TracingConfig, { enabled: true }>;

export interface RegisteredProvider {
  forceFlush(): Promise<void>;
  /** Flushes, shuts the exporter down and unregisters the globals, so another provider may follow. */
  shutdown(): Promise<void>;
}

/**
 * Builds the SDK's Node tracer provider from the validated configuration and registers it
 * as the global one (with the AsyncLocalStorage context manager and the W3C propagators):
 * @apollo/gateway's own spans (gateway.request, gateway.plan, gateway.fetch, …) go through
 * the global API, so registering is what makes them appear. Spans leave in batches, posted as
 * OTLP/HTTP JSON; every value comes from the configuration, none from the SDK's own reading of
 * the environment.
 */
export function registerTracerProvider(config: Enabled, defaultServiceName: string): RegisteredProvider {
  const provider = new NodeTracerProvider({
    // The SDK's telemetry.sdk.* attributes, then OTEL_RESOURCE_ATTRIBUTES, OTEL_SERVICE_NAME over it;
    // an instance id per process tells replicas of one service apart.
    resource: defaultResource().merge(
      resourceFromAttributes({
        [ATTR_SERVICE_INSTANCE_ID]: randomUUID(),
        ...config.resourceAttributes,
        [ATTR_SERVICE_NAME]:
          config.serviceName ?? config.resourceAttributes[ATTR_SERVICE_NAME] ?? defaultServiceName,
      }),
    ),
    sampler: samplerOf(config.sampler),
    spanProcessors: [
      new BatchSpanProcessor(
        new OTLPTraceExporter({
          url: config.endpoint,
          headers: { ...config.headers },
          timeoutMillis: config.timeoutMs,
        }),
        { ...config.batch },
      ),
    ],
  });
  provider.register({ propagator: propagatorOf(config.propagators) });
  return {
    forceFlush: () => provider.forceFlush(),
    async shutdown() {
      try {
        await provider.shutdown();
      } finally {
        trace.disable();
        context.disable();
        propagation.disable();
      }
    },
  };
}

function samplerOf({ name, ratio }: Enabled['sampler']): Sampler {
  switch (name) {
    case 'always_on':
      return new AlwaysOnSampler();
    case 'always_off':
      return new AlwaysOffSampler();
    case 'traceidratio':
      return new TraceIdRatioBasedSampler(ratio);
    case 'parentbased_always_on':
      return new ParentBasedSampler({ root: new AlwaysOnSampler() });
    case 'parentbased_always_off':
      return new ParentBasedSampler({ root: new AlwaysOffSampler() });
    case 'parentbased_traceidratio':
      return new ParentBasedSampler({ root: new TraceIdRatioBasedSampler(ratio) });
    default: {
      const unknown: never = name;
      throw new Error(`unknown sampler ${String(unknown)}`);
    }
  }
}

/** OTEL_PROPAGATORS=none: traces start here and are not passed on (a composite of nothing). */
function propagatorOf(names: Enabled['propagators']): TextMapPropagator {
  return new CompositePropagator({
    propagators: names.map((name) =>
      name === 'tracecontext' ? new W3CTraceContextPropagator() : new W3CBaggagePropagator(),
    ),
  });
}

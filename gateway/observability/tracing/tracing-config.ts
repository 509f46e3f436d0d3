import { z } from 'zod';
import { ErrorCode, StartupError } from '../../common/errors.js';
import type { PropagatorName, SamplerName, TracingConfig } from './types.js';

/**
 * The standard `OTEL_*` variables meshgate reads for traces, as zod fields
 * `gateway/config/config.ts` adds to its schema (validated once at start with the rest, then
 * frozen). Names, defaults and formats are those of the OpenTelemetry specification's
 * "Environment Variable Specification" and "OTLP Exporter Configuration"; the SDK would read
 * most of them itself, but silently falls back to a default on a bad value, where meshgate
 * refuses to start and names it. Tracing is off unless an endpoint or OTEL_TRACES_EXPORTER=otlp
 * is set.
 */

/** The specification: "an environment variable set to the empty string is treated as unset". */
const unsetWhenEmpty = <T extends z.ZodTypeAny>(schema: T) =>
  z.preprocess((value) => (value === '' ? undefined : value), schema.optional());

const millis = (max: number) =>
  unsetWhenEmpty(
    z.coerce
      .number({ error: 'must be a number of milliseconds' })
      .int('must be an integer')
      .min(1, `must be from 1 to ${max}`)
      .max(max, `must be from 1 to ${max}`),
  );

const count = (max: number) =>
  unsetWhenEmpty(
    z.coerce
      .number({ error: 'must be a number' })
      .int('must be an integer')
      .min(1, `must be from 1 to ${max}`)
      .max(max, `must be from 1 to ${max}`),
  );

const url = unsetWhenEmpty(z.string().regex(/^https?:\/\/[^\s/]+/, 'must be an http:// or https:// URL'));

/** `key=value,key=value`, values percent-encoded (the W3C Baggage form the specification uses). */
const keyValueList = unsetWhenEmpty(
  z.string().transform((text, ctx) => {
    const pairs: Record<string, string> = {};
    for (const entry of text
      .split(',')
      .map((e) => e.trim())
      .filter(Boolean)) {
      const at = entry.indexOf('=');
      const key = at > 0 ? entry.slice(0, at).trim() : '';
      if (!key) {
        ctx.addIssue({ code: 'custom', message: `"${entry}" is not key=value` });
        return z.NEVER;
      }
      try {
        pairs[key] = decodeURIComponent(entry.slice(at + 1).trim());
      } catch {
        ctx.addIssue({ code: 'custom', message: `the value of "${key}" is not percent-encoded correctly` });
        return z.NEVER;
      }
    }
    return pairs;
  }),
);

/** meshgate exports OTLP over HTTP with JSON bodies (@opentelemetry/exporter-trace-otlp-http). */
const protocol = unsetWhenEmpty(
  z.enum(['http/json'], {
    error:
      'meshgate exports OTLP over HTTP as JSON: must be http/json (grpc and http/protobuf are not supported)',
  }),
);

const SAMPLERS = [
  'always_on',
  'always_off',
  'traceidratio',
  'parentbased_always_on',
  'parentbased_always_off',
  'parentbased_traceidratio',
] as const satisfies readonly SamplerName[];

export const tracingEnv = {
  /** `true` turns tracing off whatever else is set. */
  OTEL_SDK_DISABLED: unsetWhenEmpty(z.enum(['true', 'false'], { error: 'must be true or false' })),
  /** `otlp` (the only exporter) or `none`; unset: `otlp` when an endpoint is set, else off. */
  OTEL_TRACES_EXPORTER: unsetWhenEmpty(
    z.enum(['otlp', 'none'], { error: 'must be otlp or none (meshgate exports OTLP only)' }),
  ),
  /** Base URL of an OTLP/HTTP receiver; traces go to `<it>/v1/traces`. */
  OTEL_EXPORTER_OTLP_ENDPOINT: url,
  /** The full URL traces go to (used as it is, over OTEL_EXPORTER_OTLP_ENDPOINT). */
  OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: url,
  OTEL_EXPORTER_OTLP_PROTOCOL: protocol,
  OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: protocol,
  /** Headers of every export request, e.g. `authorization=Bearer%20abc`. */
  OTEL_EXPORTER_OTLP_HEADERS: keyValueList,
  OTEL_EXPORTER_OTLP_TRACES_HEADERS: keyValueList,
  /** Bound on one export request; the specification's default is 10 s. */
  OTEL_EXPORTER_OTLP_TIMEOUT: millis(600_000),
  OTEL_EXPORTER_OTLP_TRACES_TIMEOUT: millis(600_000),
  OTEL_SERVICE_NAME: unsetWhenEmpty(z.string().trim().min(1)),
  OTEL_RESOURCE_ATTRIBUTES: keyValueList,
  OTEL_TRACES_SAMPLER: unsetWhenEmpty(z.enum(SAMPLERS, { error: `must be one of ${SAMPLERS.join(', ')}` })),
  /** The ratio of the `*traceidratio` samplers, 0 to 1 (default 1). */
  OTEL_TRACES_SAMPLER_ARG: unsetWhenEmpty(
    z.coerce
      .number({ error: 'must be a number from 0 to 1' })
      .min(0, 'must be a number from 0 to 1')
      .max(1, 'must be a number from 0 to 1'),
  ),
  /** `tracecontext`, `baggage` (both by default) or `none`, comma-separated. */
  OTEL_PROPAGATORS: unsetWhenEmpty(
    z
      .string()
      .transform((text) =>
        text
          .split(',')
          .map((p) => p.trim())
          .filter(Boolean),
      )
      .pipe(
        z.array(
          z.enum(['tracecontext', 'baggage', 'none'], {
            error: 'each must be tracecontext, baggage or none (W3C propagation only)',
          }),
        ),
      ),
  ),
  OTEL_BSP_SCHEDULE_DELAY: millis(600_000),
  OTEL_BSP_EXPORT_TIMEOUT: millis(600_000),
  OTEL_BSP_MAX_QUEUE_SIZE: count(1_000_000),
  OTEL_BSP_MAX_EXPORT_BATCH_SIZE: count(1_000_000),
};

type TracingEnv = z.infer<z.ZodObject<typeof tracingEnv>>;

/** The receiver a collector listens on by default (OTLP/HTTP, port 4318). */
const DEFAULT_ENDPOINT = 'http://localhost:4318/v1/traces';

export function tracingConfig(e: TracingEnv): TracingConfig {
  const endpoint =
    e.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT ??
    (e.OTEL_EXPORTER_OTLP_ENDPOINT && `${e.OTEL_EXPORTER_OTLP_ENDPOINT.replace(/\/+$/, '')}/v1/traces`);
  const on =
    e.OTEL_SDK_DISABLED !== 'true' &&
    (e.OTEL_TRACES_EXPORTER === 'otlp' || (e.OTEL_TRACES_EXPORTER === undefined && endpoint !== undefined));
  if (!on) return Object.freeze({ enabled: false });
  const batch = {
    scheduledDelayMillis: e.OTEL_BSP_SCHEDULE_DELAY ?? 5_000,
    exportTimeoutMillis: e.OTEL_BSP_EXPORT_TIMEOUT ?? 30_000,
    maxQueueSize: e.OTEL_BSP_MAX_QUEUE_SIZE ?? 2_048,
    maxExportBatchSize: e.OTEL_BSP_MAX_EXPORT_BATCH_SIZE ?? 512,
  };
  // The SDK would quietly clamp the batch to the queue; a configuration that asks for it is a mistake.
  if (batch.maxExportBatchSize > batch.maxQueueSize)
    throw new StartupError(
      ErrorCode.CONFIG_INVALID,
      `invalid configuration: OTEL_BSP_MAX_EXPORT_BATCH_SIZE=${batch.maxExportBatchSize}: must not exceed OTEL_BSP_MAX_QUEUE_SIZE (${batch.maxQueueSize})`,
    );
  const propagators = e.OTEL_PROPAGATORS ?? ['tracecontext', 'baggage'];
  return Object.freeze({
    enabled: true,
    serviceName: e.OTEL_SERVICE_NAME,
    resourceAttributes: Object.freeze({ ...e.OTEL_RESOURCE_ATTRIBUTES }),
    endpoint: endpoint ?? DEFAULT_ENDPOINT,
    headers: Object.freeze({ ...e.OTEL_EXPORTER_OTLP_HEADERS, ...e.OTEL_EXPORTER_OTLP_TRACES_HEADERS }),
    timeoutMs: e.OTEL_EXPORTER_OTLP_TRACES_TIMEOUT ?? e.OTEL_EXPORTER_OTLP_TIMEOUT ?? 10_000,
    sampler: Object.freeze({
      name: e.OTEL_TRACES_SAMPLER ?? 'parentbased_always_on',
      ratio: e.OTEL_TRACES_SAMPLER_ARG ?? 1,
    }),
    propagators: Object.freeze(
      propagators.includes('none')
        ? []
        : [...new Set(propagators.filter((p): p is PropagatorName => p !== 'none'))],
    ),
    batch: Object.freeze(batch),
  });
}

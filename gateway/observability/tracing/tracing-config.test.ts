import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../config/config.js';
import { ErrorCode } from '../../common/errors.js';

describe('tracing configuration (OTEL_*)', () => {
  it('is off without an endpoint or exporter, and with OTEL_SDK_DISABLED or OTEL_TRACES_EXPORTER=none', () => {
    expect(loadConfig({}).tracing).toEqual({ enabled: false });
    expect(loadConfig({ OTEL_SERVICE_NAME: 'x', OTEL_TRACES_SAMPLER: 'always_on' }).tracing).toEqual({
      enabled: false,
    });
    const endpoint = { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318' };
    expect(loadConfig({ ...endpoint, OTEL_SDK_DISABLED: 'true' }).tracing.enabled).toBe(false);
    expect(loadConfig({ ...endpoint, OTEL_TRACES_EXPORTER: 'none' }).tracing.enabled).toBe(false);
    // The specification: an empty value is unset.
    expect(loadConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: '', OTEL_TRACES_SAMPLER: '' }).tracing.enabled).toBe(
      false,
    );
  });

  it('reads the standard variables with their specified defaults', () => {
    const tracing = loadConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318/' }).tracing;
    expect(tracing).toEqual({
      enabled: true,
      serviceName: undefined,
      resourceAttributes: {},
      endpoint: 'http://collector:4318/v1/traces',
      headers: {},
      timeoutMs: 10_000,
      sampler: { name: 'parentbased_always_on', ratio: 1 },
      propagators: ['tracecontext', 'baggage'],
      batch: {
        scheduledDelayMillis: 5_000,
        exportTimeoutMillis: 30_000,
        maxQueueSize: 2_048,
        maxExportBatchSize: 512,
      },
    });
    expect(Object.isFrozen(tracing)).toBe(true);
    // OTEL_TRACES_EXPORTER=otlp alone: the collector's default OTLP/HTTP receiver.
    expect(loadConfig({ OTEL_TRACES_EXPORTER: 'otlp' }).tracing).toMatchObject({
      endpoint: 'http://localhost:4318/v1/traces',
    });
  });

  it('lets the traces-specific variables win and decodes headers and resource attributes', () => {
    const tracing = loadConfig({
      OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318',
      OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'https://traces.example/otlp/v1/traces',
      OTEL_EXPORTER_OTLP_HEADERS: 'authorization=Bearer%20abc, x-tenant=a',
      OTEL_EXPORTER_OTLP_TRACES_HEADERS: 'x-tenant=b',
      OTEL_EXPORTER_OTLP_TIMEOUT: '2000',
      OTEL_EXPORTER_OTLP_TRACES_TIMEOUT: '3000',
      OTEL_SERVICE_NAME: 'meshgate-eu',
      OTEL_RESOURCE_ATTRIBUTES: 'deployment.environment.name=prod,service.namespace=mesh',
      OTEL_TRACES_SAMPLER: 'parentbased_traceidratio',
      OTEL_TRACES_SAMPLER_ARG: '0.01',
      OTEL_PROPAGATORS: 'tracecontext',
    }).tracing;
    expect(tracing).toMatchObject({
      endpoint: 'https://traces.example/otlp/v1/traces',
      headers: { authorization: 'Bearer abc', 'x-tenant': 'b' },
      timeoutMs: 3000,
      serviceName: 'meshgate-eu',
      resourceAttributes: { 'deployment.environment.name': 'prod', 'service.namespace': 'mesh' },
      sampler: { name: 'parentbased_traceidratio', ratio: 0.01 },
      propagators: ['tracecontext'],
    });
    expect(loadConfig({ OTEL_TRACES_EXPORTER: 'otlp', OTEL_PROPAGATORS: 'none' }).tracing).toMatchObject({
      propagators: [],
    });
  });

  it('names every bad value in one CONFIG_INVALID error', () => {
    expect(() =>
      loadConfig({
        OTEL_EXPORTER_OTLP_ENDPOINT: 'collector:4318',
        OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc',
        OTEL_TRACES_SAMPLER: 'sometimes',
        OTEL_TRACES_SAMPLER_ARG: '2',
        OTEL_PROPAGATORS: 'tracecontext,b3',
        OTEL_EXPORTER_OTLP_HEADERS: 'novalue',
        OTEL_BSP_SCHEDULE_DELAY: '-1',
      }),
    ).toThrowError(
      expect.objectContaining({
        code: ErrorCode.CONFIG_INVALID,
        message: expect.stringMatching(
          /OTEL_EXPORTER_OTLP_ENDPOINT="collector:4318": must be an http:\/\/ or https:\/\/ URL.*OTEL_EXPORTER_OTLP_PROTOCOL="grpc": meshgate exports OTLP over HTTP as JSON.*OTEL_EXPORTER_OTLP_HEADERS="novalue": "novalue" is not key=value.*OTEL_TRACES_SAMPLER="sometimes": must be one of always_on.*OTEL_TRACES_SAMPLER_ARG="2": must be a number from 0 to 1.*OTEL_PROPAGATORS="tracecontext,b3": each must be tracecontext, baggage or none.*OTEL_BSP_SCHEDULE_DELAY="-1": must be from 1 to 600000/,
        ),
      }),
    );
    expect(() =>
      loadConfig({
        OTEL_TRACES_EXPORTER: 'otlp',
        OTEL_BSP_MAX_QUEUE_SIZE: '100',
        OTEL_BSP_MAX_EXPORT_BATCH_SIZE: '200',
      }),
    ).toThrowError(/OTEL_BSP_MAX_EXPORT_BATCH_SIZE=200: must not exceed OTEL_BSP_MAX_QUEUE_SIZE \(100\)/);
  });
});

import type { ApolloServerPlugin } from '@apollo/server';
import type { FastifyInstance } from 'fastify';
import type { GatewayContext } from '../http/context.js';
import type { LineageRecorder } from '../lineage/index.js';
import type { Logger } from '../common/logger.js';
import type { SubgraphFetch } from '../common/types.js';
import { decisionTally } from './decision-tally.js';
import { activeTraceId } from './tracing/trace-ids.js';
import { lineageGauges } from './lineage-gauges.js';
import { createMetrics, dataProductMetrics, operationLabels } from './metrics.js';
import { summarize, summarizeRefusal } from './request-outcome.js';
import type { Observability, RequestSummary } from './types.js';

export interface ObservabilityOptions {
  logger: Logger;
  /** Lineage gauges read this recorder (and its spool file) when scraped; none without lineage. */
  lineage?: { recorder: LineageRecorder; spoolPath: string | null } | null | undefined;
  /** Operation names kept as their own label before the rest count as `__other`. Default 200. */
  maxOperationLabels?: number | undefined;
  /**
   * The SLI recorder (health/sli-recorder.ts), fed each request's fetches, and the latency
   * bounds of the per-product counters; none with MESHGATE_SLI=off.
   */
  sli?: { record(fetches: readonly SubgraphFetch[]): void; boundsMs: readonly number[] } | null | undefined;
}

/**
 * Metrics and the request log, for one gateway instance. `plugin` observes each operation
 * once it has its response (`willSendResponse`), reading what the pipeline stages recorded on
 * the context: the subgraph fetches (`context.fetches`, recorded by the data source — not
 * timed twice) and the policy decisions (`context.decisions`). One JSON log line per request
 * at info — a client's mistake (4xx) never at error; a 5xx at error; a partial at warn.
 */
export function createObservability({
  logger,
  lineage,
  maxOperationLabels = 200,
  sli,
}: ObservabilityOptions) {
  const metrics = createMetrics();
  const products = sli ? dataProductMetrics(metrics.registry, sli.boundsMs) : null;
  if (lineage) lineageGauges(metrics.registry, lineage);
  const label = operationLabels(maxOperationLabels);
  const tally = decisionTally();

  const observability: Observability = {
    registry: metrics.registry,
    request(summary: RequestSummary) {
      const labels = { operation: label(summary.operation), outcome: summary.outcome };
      metrics.requests.inc(labels);
      if (summary.durationMs !== undefined) metrics.duration.observe(labels, summary.durationMs / 1_000);
      for (const code of summary.errorCodes) metrics.errors.inc({ code });
      const level =
        summary.status >= 500
          ? 'error'
          : summary.outcome === 'partial' || summary.outcome === 'error'
            ? 'warn'
            : 'info';
      logger[level](
        {
          requestId: summary.requestId,
          // The request's OpenTelemetry trace, when traced: a log line links to its spans.
          traceId: activeTraceId(),
          operation: summary.operation,
          outcome: summary.outcome,
          status: summary.status,
          durationMs: summary.durationMs,
          errorCodes: summary.errorCodes,
        },
        'request',
      );
    },
    refused({ status, code, method, url, requestId }) {
      metrics.requests.inc({ operation: '__refused', outcome: status >= 500 ? 'error' : 'rejected' });
      metrics.errors.inc({ code });
      logger[status >= 500 ? 'error' : 'info'](
        { requestId, method, url, outcome: 'rejected', status, errorCodes: [code] },
        'request refused',
      );
    },
  };

  const refusedByApollo = (error: Error) => observability.request(summarizeRefusal(error));

  const plugin: ApolloServerPlugin<GatewayContext> = {
    // 401 (authentication in the context function) and malformed requests (CSRF, bad batch):
    // no operation ran, but they are requests all the same.
    async contextCreationDidFail({ error }) {
      refusedByApollo(error);
    },
    async invalidRequestWasReceived({ error }) {
      refusedByApollo(error);
    },
    async requestDidStart() {
      return {
        async willSendResponse(rc) {
          observability.request(summarize(rc));
          const context: Partial<GatewayContext> = rc.contextValue;
          const fetches = context.fetches ?? [];
          for (const fetch of fetches) {
            metrics.fetchDuration.observe({ subgraph: fetch.subgraph }, fetch.durationMs / 1_000);
            if (!fetch.ok) metrics.fetchErrors.inc({ subgraph: fetch.subgraph });
            if (products) {
              products.fetches.inc({ product: fetch.subgraph, outcome: fetch.ok ? 'ok' : 'error' });
              products.fetchDuration.observe({ product: fetch.subgraph }, fetch.durationMs / 1_000);
            }
          }
          // SLIs: counters in this replica's current bucket; the flush to Redis is off the path.
          sli?.record(fetches);
          for (const { labels, count } of tally(context.decisions ?? []))
            metrics.decisions.inc(labels, count);
        },
      };
    },
  };

  /** GET /metrics: the Prometheus text exposition format. */
  const metricsRoute = (app: FastifyInstance) =>
    app.get('/metrics', async (_request, reply) =>
      reply.type(metrics.registry.contentType).send(await metrics.registry.metrics()),
    );

  return { ...observability, plugin, metricsRoute };
}

import type { Stage } from '../pipeline/types.js';
import type { LineageRecorder } from '../lineage/index.js';
import type { Logger } from '../common/logger.js';
import { decisionTally } from './decision-tally.js';
import { activeTraceId } from './tracing/trace-ids.js';
import { lineageGauges } from './lineage-gauges.js';
import { createMetrics, dataProductMetrics, operationLabels } from './metrics.js';
import { summarize } from './request-outcome.js';
import type { Observability, RequestSummary } from './types.js';

export interface ObservabilityOptions {
  logger: Logger;
  /** Lineage gauges read this recorder (and its spool file) when scraped; none without lineage. */
  lineage?: { recorder: LineageRecorder; spoolPath: string | null } | null | undefined;
  /** Operation names kept as their own label before the rest count as `__other`. Default 200. */
  maxOperationLabels?: number | undefined;
  /** The latency bounds of the per-product counters (the SLIs'); no such counters with MESHGATE_SLI=off. */
  sli?: { boundsMs: readonly number[] } | null | undefined;
}

/**
 * Metrics and the request log, for one gateway instance: the registry other stages add their
 * gauges to, the HTTP stage's refusals, and `stage`, which observes the requests. One JSON log
 * line per request at info — a client's mistake (4xx) never at error; a 5xx at error; a
 * partial at warn.
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

  /**
   * The observability stage: GET /metrics, each subgraph fetch timed into the per-subgraph and
   * per-product counters as it finishes (recorded by the data source, not timed twice), and
   * each request counted and logged with its policy decisions once it has its response (or was
   * refused before it had one: 401, malformed).
   */
  const stage: Stage = {
    name: 'observability',
    routes(app) {
      app.get('/metrics', async (_request, reply) =>
        reply.type(metrics.registry.contentType).send(await metrics.registry.metrics()),
      );
    },
    onSubgraphFetch(_state, fetch) {
      metrics.fetchDuration.observe({ subgraph: fetch.subgraph }, fetch.durationMs / 1_000);
      if (!fetch.ok) metrics.fetchErrors.inc({ subgraph: fetch.subgraph });
      if (products) {
        const outcome = fetch.ok ? 'ok' : 'error';
        products.served.inc({
          product: fetch.subgraph,
          outcome,
          source: fetch.fromCache ? 'cache' : 'origin',
        });
        // A fetch the cache answered whole never reached the product: not in its origin SLIs.
        if (!fetch.fromCache) {
          products.fetches.inc({ product: fetch.subgraph, outcome });
          products.fetchDuration.observe({ product: fetch.subgraph }, fetch.durationMs / 1_000);
        }
      }
    },
    onResponse(state, answer) {
      observability.request(summarize(state, answer));
      for (const { labels, count } of tally(state.decisions)) metrics.decisions.inc(labels, count);
    },
  };

  /** One scheduled health probe's outcome (health/product-probe.ts): in the origin view's counter. */
  const probed = (product: string, ok: boolean) =>
    products?.fetches.inc({ product, outcome: ok ? 'ok' : 'error', source: 'probe' });

  return { ...observability, stage, probed };
}

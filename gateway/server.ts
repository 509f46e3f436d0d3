import type { MeshgateConfig } from './config/config.js';
import { ErrorCode, StartupError } from './common/errors.js';
import type { Logger } from './common/logger.js';
import { Resources, stageRunner, type Stage } from './pipeline/index.js';
import { openServices, type GatewayServices } from './services.js';
import { servePipeline } from './http/serve-pipeline.js';
// The stages, in the order a request meets them.
import { useHttp } from './http/use-http.js';
import { useTracing } from './observability/tracing/index.js';
import { useAuthentication } from './auth/index.js';
import { useConsole } from './console/server/index.js';
import { useDefer } from './defer/index.js';
import { usePersisted } from './persisted/index.js';
import { useLimits } from './limits/index.js';
import { useEntityCache } from './subgraph-fetch/entity-cache/index.js';
import { useLineage } from './lineage/index.js';
import { useSlo } from './health/index.js';
import { useIncidents } from './alerts/use-incidents.js';
import { useQuality } from './health/use-quality.js';
import type { QualitySchedule } from './health/quality-schedule.js';
import { useCatalog } from './catalog/use-catalog.js';
import { useMcp } from './mcp/index.js';
import { publishedContextTokenKeys } from './subgraph-fetch/context-token.js';
import { useContextTokenKeys } from './subgraph-fetch/use-context-keys.js';
import { openRegistryService } from '../schema/registry/service/open-registry-service.js';
import { useRegistry } from '../schema/registry/service/use-registry.js';

export type { GatewayServices } from './services.js';

export interface RunningGateway {
  readonly url: string;
  readonly port: number;
  /** The stages, in the order a request meets them. */
  readonly stages: readonly string[];
  /** The quality rules and freshness probes on their schedule; null with quality off. */
  readonly quality: QualitySchedule | null;
  stop(): Promise<void>;
  /** Synchronous: the lineage queue into the spool, fsynced (a forced exit's last word). */
  persistNow(): void;
}

/**
 * The gateway: the stages below, in the order a request meets them, served over HTTP
 * (http/serve-pipeline.ts); GraphQL at /graphql, liveness at /health, readiness at /ready.
 * Everything it opens joins one resource stack: `stop()`, and a start that fails at any
 * point, close exactly what was opened, in reverse order.
 */
export async function startGateway(
  config: MeshgateConfig,
  logger: Logger,
  launcher: GatewayServices = {},
): Promise<RunningGateway> {
  const resources = new Resources();
  try {
    return await start(config, logger, launcher, resources);
  } catch (cause) {
    await resources
      .close()
      .catch((error: unknown) => logger.error({ err: error }, 'closing after a failed start'));
    if (cause instanceof StartupError) throw cause;
    throw new StartupError(ErrorCode.STARTUP_FAILED, `cannot start the gateway: ${firstLine(cause)}`, cause);
  }
}

async function start(
  config: MeshgateConfig,
  logger: Logger,
  launcher: GatewayServices,
  resources: Resources,
): Promise<RunningGateway> {
  const services = await openServices(config, logger, launcher, resources);
  const { tracing, authenticate, rules, lineage, quality, supergraph, slo, cache, observability } = services;
  const { incidents, openedRegistry, consoleOptions, policy, access, planning, qualitySchedule } = services;

  // The pipeline: one line per stage, in the order a request meets them. Each is made only when
  // the one before it was (a stage may open a connection), and joins the resource stack at once.
  const stages: Stage[] = [];
  for (const make of [
    // HTTP: body size, batch size, malformed JSON and content types refused with a code; /health.
    () => useHttp({ limits: config.limits, onRefused: observability.refused }),
    // A server span per /graphql request, continuing a client's traceparent (OTEL_* set).
    () => useTracing(tracing),
    // authenticate: bearer JWT → principal (anonymous without one; 401 when AUTH_REQUIRED=true).
    () => useAuthentication(authenticate),
    // The console at /console: its session becomes the bearer token every route authenticates.
    () =>
      useConsole({ ...consoleOptions, authenticate, supergraph, rules, quality, registry: openedRegistry }),
    // @defer: split into parts that each run this whole pipeline, streamed as multipart/mixed.
    () => useDefer(),
    // Persisted operations: APQ with the cache in Redis; SAFELIST=on refuses unpublished operations.
    () => usePersisted({ config: config.persisted, logger }),
    // Limits: tokens, depth, aliases, root fields, cost, batches; the rate per principal.
    () => useLimits({ limits: config.limits, logger }),
    // The supergraph in service, its model for every stage, and /ready.
    () => supergraph,
    // authorize ─▶ plan + execute ─▶ mask (MESHGATE_POLICY=off: none).
    () => policy,
    // Cold plans in a worker thread under QUERY_PLANNING_TIMEOUT_MS; the byte-bounded plan cache; warm-up.
    () => planning,
    // The entity cache answers inside the subgraph fetch; its metrics, admin routes and reloads.
    () => useEntityCache(cache, authenticate, observability.registry),
    // Lineage: one event per operation, queued off the request path (MESHGATE_LINEAGE=off: none).
    () => useLineage({ lineage, authenticate, strict: config.lineage.strict }),
    // Metrics and the request log; /metrics.
    () => observability.stage,
    // SLIs per data product from each request's fetches; /admin/slo.
    () => useSlo({ slo, authenticate, registry: observability.registry }),
    // Incidents from burn alerts, quality and freshness (opened off the path); /admin/incidents.
    () => useIncidents(incidents?.store ?? null, authenticate),
    // Quality rules and freshness run now, and a rule's history: /admin/quality (the schedule runs off the path).
    () => useQuality(qualitySchedule, quality, authenticate),
    // The data product catalog: /catalog.
    () =>
      useCatalog({
        config,
        authenticate,
        supergraph,
        rules,
        lineage: lineage?.store ?? null,
        slo: slo?.status ?? null,
      }),
    // Access requests and grants: /admin/access-requests.
    () => access,
    // MCP for AI agents at /mcp: catalog, own decisions and published operations as tools, each read run through this pipeline.
    () =>
      useMcp({
        config,
        authenticate,
        supergraph,
        policy,
        access,
        rules,
        slo: slo?.status ?? null,
        registry: observability.registry,
        logger,
      }),
    // The context token's public keys as a JWKS at /.well-known/meshgate/keys: products verify with them.
    () => useContextTokenKeys(publishedContextTokenKeys(config.security.contextToken, config.stateDir)),
    // The registry's HTTP API at /registry/v1, as `meshgate registry serve` has it (REGISTRY_ROUTES=on).
    () =>
      useRegistry(
        config.registry.routes ? openRegistryService(config, openedRegistry()) : null,
        authenticate,
      ),
  ])
    stages.push(await resources.stage(make()));
  const runner = stageRunner(stages);
  const { url, port } = await servePipeline({ config, logger, resources, runner, services });
  return {
    url,
    port,
    stages: stages.map((s) => s.name),
    quality: qualitySchedule,
    stop: () => resources.close(),
    persistNow() {
      lineage?.recorder.persistNow();
    },
  };
}

function firstLine(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.split('\n').find((line) => line.trim()) ?? 'unknown error';
}

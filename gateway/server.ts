import { ApolloGateway } from '@apollo/gateway';
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import fastifyApollo, { fastifyApolloDrainPlugin } from '@as-integrations/fastify';
import Fastify from 'fastify';
import type { MeshgateConfig } from './config/config.js';
import { ErrorCode, StartupError } from './common/errors.js';
import { listen } from './common/listen.js';
import type { Logger } from './common/logger.js';
import { CONTEXT_TOKEN_HEADER, declaresRowFilterEnforcement, type DataProductDescriptor } from './protocol/index.js';
import { Resources, stageRunner, type Pipeline, type Stage } from './pipeline/index.js';
import { useHttp } from './http/use-http.js';
import { formatError } from './http/format-error.js';
import { createAuthenticate, useAuthentication } from './auth/index.js';
import { warnOnDevelopmentKeys } from './auth/development-fallbacks.js';
import { useConsole } from './console/server/index.js';
import { useDefer } from './defer/index.js';
import { usePersisted } from './persisted/index.js';
import { useLimits, withLimitCodes } from './limits/index.js';
import { usePlanning } from './planning/use-planning.js';
import { readSafelist } from './persisted/safelist.js';
import { readPolicyFiles, usePolicy, withEnforcedSecurityFeatures } from './policy/index.js';
import { supergraphModel } from './supergraph/supergraph-model.js';
import { supergraphSource } from './supergraph/supergraph-source.js';
import { useSupergraph } from './supergraph/use-supergraph.js';
import { readContractDescriptors } from './supergraph/contract-descriptors.js';
import {
  contextTokenKey,
  createContextTokenSigner,
  GATEWAY_PRINCIPAL,
  publishedContextTokenKeys,
} from './subgraph-fetch/context-token.js';
import { useContextTokenKeys } from './subgraph-fetch/use-context-keys.js';
import { SubgraphDataSource } from './subgraph-fetch/subgraph-data-source.js';
import { openEntityCache, useEntityCache } from './subgraph-fetch/entity-cache/index.js';
import { createLineage, useLineage } from './lineage/index.js';
import { createObservability } from './observability/index.js';
import { acquireTracing, useTracing } from './observability/tracing/index.js';
import { createSlo, sloProducts, useSlo, type QualityStore } from './health/index.js';
import { probeTargets, startProductProbe, type ProductProbe } from './health/product-probe.js';
import { openQualityStore } from './health/open-quality-store.js';
import { serverTargets } from './health/quality/index.js';
import { startQualitySchedule } from './health/quality-schedule.js';
import { createIncidents } from './alerts/create-incidents.js';
import { useIncidents } from './alerts/use-incidents.js';
import { useCatalog } from './catalog/use-catalog.js';
import { grantSource, openAccessStore, useAccess } from './access/index.js';
import { useMcp } from './mcp/index.js';
import { openRegistry } from '../schema/registry/open-registry.js';
import type { Registry } from '../schema/registry/types.js';
import { openRegistryService } from '../schema/registry/service/open-registry-service.js';
import { useRegistry } from '../schema/registry/service/use-registry.js';

export interface RunningGateway {
  readonly url: string;
  readonly port: number;
  /** The stages, in the order a request meets them. */
  readonly stages: readonly string[];
  stop(): Promise<void>;
  /** Synchronous: the lineage queue into the spool, fsynced (a forced exit's last word). */
  persistNow(): void;
}

/** What the gateway may be handed by whoever starts it beside other services (a launcher). */
export interface GatewayServices {
  /** The quality results and freshness readings health reads (the mesh's schedule writes them). */
  readonly quality?: QualityStore | null | undefined;
  /**
   * The descriptors of the products a supergraph file describes (the launcher's own mesh). A
   * registry's supergraph comes with its own; without either, products are undescribed.
   */
  readonly descriptors?: readonly DataProductDescriptor[] | undefined;
}

/**
 * The gateway service: @apollo/gateway behind @apollo/server on fastify, serving any valid
 * supergraph. GraphQL at /graphql, liveness at /health, readiness at /ready. Everything it
 * opens joins one resource stack: `stop()`, and a start that fails at any point, close
 * exactly what was opened, in reverse order.
 */
export async function startGateway(
  config: MeshgateConfig,
  logger: Logger,
  services: GatewayServices = {},
): Promise<RunningGateway> {
  const resources = new Resources();
  try {
    return await start(config, logger, services, resources);
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
  services: GatewayServices,
  resources: Resources,
): Promise<RunningGateway> {
  // First opened, last closed: the tracer provider flushes the spans of the requests just answered.
  const tracing = resources.open(acquireTracing(config.tracing), (t) => t.release());
  const source = resources.open(supergraphSource(config, logger), (s) => s.stop());
  const authenticate = createAuthenticate({ auth: config.security.auth, stateDir: config.stateDir });
  // /ready tells the identity provider's state: its tokens fail with a code while it is down, the rest serves.
  source.readiness.identityProvider = authenticate.identityProvider;
  if (config.environment === 'production') warnOnDevelopmentKeys(config.security, logger);
  const rules = readPolicyFiles(config.security.policy.dir);

  // The services stages share, each closed by the stack (off: null, nothing opened).
  const accessStore = resources.open(openAccessStore(config.access), (s) => s.close());
  const grants = resources.open(
    config.security.policy.enabled
      ? grantSource({
          config: config.access,
          logger,
          onDropped: (file, action, why) =>
            void accessStore
              .audit({
                time: new Date().toISOString(),
                who: 'gateway',
                action,
                request: file,
                what: `grants/${file}`,
                why,
              })
              .catch(() => undefined),
        })
      : null,
    (g) => g.close(),
  );
  const lineage = resources.open(
    config.lineage.enabled ? await createLineage(config.lineage, logger) : null,
    (l) => l.recorder.close(),
  );
  const ownQuality = resources.open(
    services.quality === undefined && config.sli.enabled && config.quality.enabled && config.quality.redis
      ? openQualityStore(config.quality)
      : null,
    (q) => q.close(),
  );
  const quality = services.quality ?? ownQuality?.store ?? null;
  // The products a supergraph file serves are described by the launcher or CONTRACTS_DIR.
  const supergraph = useSupergraph(
    source,
    services.descriptors ?? (config.contractsDir ? readContractDescriptors(config.contractsDir) : []),
  );
  // Quality rules and freshness of the products not built on the kit, in the database their
  // contract's `servers` entry names: read-only, under a statement timeout, with credentials
  // from the platform's environment, never the contract (health/quality/postgres-server.ts).
  const servers = resources.open(
    quality && config.quality.enabled ? serverTargets(config.quality) : null,
    (t) => t.close(),
  );
  resources.open(
    servers && quality
      ? startQualitySchedule({
          targets: () => servers.targets(supergraph.descriptors()),
          store: quality,
          config: config.quality,
          logger,
        })
      : null,
    (q) => q.stop(),
  );
  // Opened below, after the SLIs it records into; their status reads it from then on.
  let probe: ProductProbe | null = null;
  const slo = resources.open(
    config.sli.enabled
      ? createSlo(config.sli, {
          logger,
          products: () => sloProducts(supergraph.model(), supergraph.descriptors()),
          quality,
          probes: (product) => probe?.reading(product) ?? null,
        })
      : null,
    (s) => s.close(),
  );
  const cache = resources.open(
    openEntityCache(config.cache, () => supergraph.descriptors(), logger),
    (c) => c.close(),
  );
  const observability = createObservability({
    logger,
    sli: slo?.observed,
    lineage: lineage && {
      recorder: lineage.recorder,
      spoolPath: lineage.store.durable ? config.lineage.spoolPath : null,
    },
  });
  // Every subgraph fetch carries a short-lived context token the products verify (no bypass).
  const { contextToken } = config.security;
  const signer = createContextTokenSigner(
    contextTokenKey(contextToken, config.stateDir),
    contextToken.ttlSeconds,
  );
  // The scheduled health probe of every product's subgraph, off the request path: its outcomes
  // count in the origin SLIs, and a product down N probes in a row opens an incident.
  probe = resources.open(
    config.probe.enabled
      ? startProductProbe({
          config: config.probe,
          targets: () => probeTargets(supergraph.model(), config.subgraphUrls),
          // As the gateway's own requests: a meshgate product then answers the probe's query itself.
          headers: () => ({ [CONTEXT_TOKEN_HEADER]: signer.sign(GATEWAY_PRINCIPAL) }),
          onProbe(product, ok) {
            slo?.recorder.recordProbe(product, ok);
            observability.probed(product, ok);
          },
        })
      : null,
    (p) => p.close(),
  );
  const incidents = resources.open(
    slo && config.incidents.enabled
      ? createIncidents(config.incidents, {
          logger,
          slo: slo.status,
          quality,
          lineage: lineage?.store ?? null,
          probe,
          cacheExpiry: cache ? (product) => cache.oldestExpiry(product) : undefined,
        })
      : null,
    (i) => i.close(),
  );
  // The schema registry, opened on first use (the console's schema pages, the registry routes).
  let registry: Registry | null = null;
  resources.defer(() => registry?.close());
  const openedRegistry = () => (registry ??= openRegistry(config.registry));
  const consoleOptions = {
    sso: config.security.auth.console,
    environment: config.environment,
    stateDir: config.stateDir,
    logger,
    lineage: lineage?.store ?? null,
    policyDir: config.security.policy.dir,
  };

  // Stages the MCP stage reads too: the engine /graphql decides with, the console's access service.
  const policy = usePolicy({
    policy: config.security.policy,
    stateDir: config.stateDir,
    logger,
    rules,
    grants: grants ?? undefined,
  });
  const access = useAccess({ config: config.access, store: accessStore, authenticate, supergraph });
  // Bounded planning: the plan store @apollo/gateway uses, and the warm-up of a reload's supergraph.
  const planning = usePlanning({
    config: config.planning,
    registry: observability.registry,
    logger,
    safelist:
      config.planning.warmup && config.persisted.safelistPath ? readSafelist(config.persisted.safelistPath) : null,
    lineage: lineage?.store ?? null,
  });

  // The pipeline: one line per stage, in the order a request meets them.
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
    () => useContextTokenKeys(publishedContextTokenKeys(contextToken, config.stateDir)),
    // The registry's HTTP API at /registry/v1, as `meshgate registry serve` has it (REGISTRY_ROUTES=on).
    () =>
      useRegistry(
        config.registry.routes ? openRegistryService(config, openedRegistry()) : null,
        authenticate,
      ),
  ])
    stages.push(await resources.stage(make()));
  const runner = stageRunner(stages);

  const gateway = new ApolloGateway({
    // With the policy layer on, meshgate enforces @authenticated/@requiresScopes/@policy itself.
    // A reload's supergraph swaps in once its hot operations are planned (PLAN_WARMUP).
    supergraphSdl: planning.withWarmup(
      config.security.policy.enabled ? withEnforcedSecurityFeatures(source.supergraphSdl) : source.supergraphSdl,
    ),
    // The plan store, bounded in bytes (QUERY_PLAN_CACHE_MAX_BYTES), that plans off the loop.
    queryPlannerConfig: planning.plannerConfig,
    // A supergraph names each subgraph's URL; SUBGRAPH_URLS re-routes it (e.g. in containers).
    buildService: ({ name, url }) =>
      new SubgraphDataSource({
        name,
        url: config.subgraphUrls[name] ?? url ?? '',
        contextToken: signer,
        dedup: config.subgraphDedup,
        cache,
        onFetch: runner.subgraphFetched,
        // A row filter reaches only a product whose contract declares it enforces them (no
        // contract known: the product's own verifier decides, as a kit product does).
        enforcesRowFilters: (product) => {
          const descriptor = supergraph.descriptors().find((d) => d.name === product);
          return descriptor && declaresRowFilterEnforcement(descriptor.contract);
        },
      }),
    logger,
    // Its spans (gateway.request/plan/execute/fetch): no document (literals are values) and no
    // exceptions (messages can quote them); the operation name and type only.
    telemetry: { includeDocument: false, recordExceptions: false },
  });
  // One model per schema load, read once and handed to every stage. A stage that refuses the
  // first one (policies that do not compile: POLICY_INVALID) refuses the start.
  let refusedFirstLoad: unknown = null;
  let loaded = false;
  gateway.onSchemaLoadOrUpdate(({ coreSupergraphSdl, apiSchema }) => {
    try {
      runner.schemaChanged(supergraphModel(coreSupergraphSdl, { apiSchema }));
      loaded = true;
    } catch (error) {
      if (!loaded) refusedFirstLoad = error;
      else logger.error({ err: error }, 'a stage could not take the new supergraph');
    }
  });

  const app = Fastify({ logger: false, bodyLimit: config.limits.maxBodyBytes });
  const apollo = new ApolloServer({
    // The stages' authorize hooks wrap the gateway's executor.
    gateway: {
      onSchemaLoadOrUpdate: (callback) => gateway.onSchemaLoadOrUpdate(callback),
      async load(options) {
        const { schema, executor } = await gateway.load(options);
        if (refusedFirstLoad) throw refusedFirstLoad;
        return { schema, executor: executor && runner.wrapExecutor(executor) };
      },
      stop: () => gateway.stop(),
    },
    plugins: [
      fastifyApolloDrainPlugin(app),
      // A browser's GET /graphql opens the console's GraphiQL (served locally), not the hosted Sandbox.
      ApolloServerPluginLandingPageDisabled(),
      runner.plugin,
    ],
    ...runner.apollo,
    includeStacktraceInErrorResponses: config.environment === 'development',
    formatError: withLimitCodes(formatError(config.environment)),
    // GET and "simple" POSTs (no JSON content type) need a preflight header: no cross-site requests.
    csrfPrevention: true,
    // meshgate owns SIGINT/SIGTERM (cli/commands/lifecycle.ts). Apollo's own handler, installed
    // whenever NODE_ENV is not "test", raced ours: two concurrent stop() calls, and the second
    // waits on a barrier Apollo resolves only when stopping fails, so shutdown hung for ever.
    stopOnTerminationSignals: false,
    logger,
  });
  // Closed first: the server stops taking requests and drains, then Apollo and the gateway stop.
  resources.defer(() => apollo.stop());
  resources.defer(() => app.close());
  await apollo.start().catch((cause: unknown) => {
    if (cause instanceof StartupError) throw cause; // e.g. POLICY_INVALID, already one line
    throw new StartupError(
      ErrorCode.SUPERGRAPH_INVALID,
      `cannot serve supergraph ${source.describe}: ${firstLine(cause)}`,
      cause,
    );
  });

  const pipeline: Pipeline = {
    execute: (httpGraphQLRequest, request, reply, deferPart, origin) =>
      apollo.executeHTTPGraphQLRequest({
        httpGraphQLRequest,
        context: () => runner.createState(request, reply, deferPart, origin),
      }),
  };
  await runner.registerRoutes(app, pipeline);
  await app.register(fastifyApollo(apollo), {
    path: '/graphql',
    context: (request, reply) => runner.createState(request, reply),
  });
  const port = await listen(app, config.port, config.host, 'gateway');
  source.readiness.listening = true;
  resources.defer(() => (source.readiness.listening = false));
  const url = `http://${config.host === '0.0.0.0' ? '127.0.0.1' : config.host}:${port}/graphql`;
  logger.info(
    { url, supergraph: source.readiness.supergraph, stages: stages.map((s) => s.name) },
    'gateway ready',
  );
  return {
    url,
    port,
    stages: stages.map((s) => s.name),
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

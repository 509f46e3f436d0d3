import { ApolloGateway } from '@apollo/gateway';
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import fastifyApollo, { fastifyApolloDrainPlugin } from '@as-integrations/fastify';
import Fastify from 'fastify';
import { listen } from '../subgraphs/kit/server.js';
// Around the path: configuration and the shared kit.
import type { MeshgateConfig } from './config/config.js';
import { ErrorCode, StartupError } from './common/errors.js';
import type { Logger } from './common/logger.js';
// The stages, in the order a request meets them.
import type { GatewayContext } from './http/context.js';
import { requestContext } from './http/request-context.js';
import { useHttpLimits } from './http/http-limits.js';
import { closeAfterResponseOnStop } from './http/close-after-response.js';
import { formatError } from './http/format-error.js';
import { useAuthentication } from './auth/index.js';
import { warnOnDevelopmentKeys } from './auth/development-fallbacks.js';
import { routePrincipal } from './auth/route-principal.js';
import { usePersisted } from './persisted/index.js';
import { useDefer } from './defer/index.js';
import { limitRules, requireOperation, useRateLimit, withLimitCodes } from './limits/index.js';
import { readPolicyFiles, usePolicy, withEnforcedSecurityFeatures } from './policy/index.js';
import { supergraphModel, type SupergraphModel } from './supergraph/supergraph-model.js';
import { supergraphSource } from './supergraph/supergraph-source.js';
import { contextTokenKey, createContextTokenSigner } from './subgraph-fetch/context-token.js';
import { SubgraphDataSource } from './subgraph-fetch/subgraph-data-source.js';
import {
  cacheInvalidateAdmin,
  cacheMetrics,
  cacheStatsAdmin,
  openEntityCache,
} from './subgraph-fetch/entity-cache/index.js';
import { createLineage, lineageAdmin, useLineage } from './lineage/index.js';
import { createObservability } from './observability/index.js';
import { acquireTracing, traceRequests, useTracing } from './observability/tracing/index.js';
import { createSlo, sloAdmin, sloGauges, sloProducts, type QualityStore } from './health/index.js';
import { openQualityStore } from './health/open-quality-store.js';
import { createIncidents } from './alerts/create-incidents.js';
import { ackIncidentAdmin, incidentsAdmin } from './alerts/incidents-admin.js';
import { catalogSources } from './catalog/catalog-sources.js';
import { registerCatalogRoutes } from './catalog/catalog-routes.js';
import { useConsole } from './console/server/index.js';
import { openRegistry } from '../schema/registry/open-registry.js';
import { accessService, grantSource, openAccessStore, registerAccessRoutes } from './access/index.js';
import type { PolicyEngine } from './policy/types.js';
import { dataProducts } from '../subgraphs/index.js';
import type { Registry } from '../schema/registry/types.js';

export interface RunningGateway {
  readonly url: string;
  readonly port: number;
  stop(): Promise<void>;
  /** Synchronous: the lineage queue into the spool, fsynced (a forced exit's last word). */
  persistNow(): void;
}

/**
 * The gateway service: @apollo/gateway behind @apollo/server on fastify. It serves any valid
 * supergraph; GraphQL at /graphql, liveness at /health, readiness at /ready.
 */
/** What the gateway may be handed by whoever starts it beside other services (the mesh). */
export interface GatewayServices {
  /** The quality results and freshness readings health reads (the mesh's schedule writes them). */
  readonly quality?: QualityStore | null | undefined;
}

export async function startGateway(
  config: MeshgateConfig,
  logger: Logger,
  services: GatewayServices = {},
): Promise<RunningGateway> {
  // OpenTelemetry (OTEL_* set): the process's tracer provider, before anything makes a span.
  const tracing = acquireTracing(config.tracing);
  const source = supergraphSource(config, logger);
  const readiness = source.readiness;
  // authenticate: bearer JWT → principal (anonymous without one; 401 when AUTH_REQUIRED=true).
  const authenticate = useAuthentication({ auth: config.security.auth, stateDir: config.stateDir });
  if (config.environment === 'production') warnOnDevelopmentKeys(config.security, logger);
  // No bypass: every subgraph fetch carries a short-lived context token the subgraphs verify.
  const { contextToken } = config.security;
  // The token carries the principal's row filters too, from the engine in service (policy/row-filter.ts).
  let policyEngine: () => PolicyEngine | undefined = () => undefined;
  const contextSigner = createContextTokenSigner(
    contextTokenKey(contextToken, config.stateDir),
    contextToken.ttlSeconds,
    (principal) => policyEngine()?.rowFilters(principal) ?? NO_ROW_FILTERS,
  );
  // Access requests (access/): a store with the audit log, and the grants approvals write,
  // picked up without a restart (file watching; Redis pub/sub when there is Redis).
  const accessStore = openAccessStore(config.access);
  const grants = config.security.policy.enabled
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
    : null;

  // The entity cache (MESHGATE_CACHE, on by default): answers by entity, never older than the product promises.
  const cache = openEntityCache(config.cache, () => source.descriptors(), logger);

  const gateway = new ApolloGateway({
    // With the policy layer on, meshgate enforces @authenticated/@requiresScopes/@policy itself.
    supergraphSdl: config.security.policy.enabled
      ? withEnforcedSecurityFeatures(source.supergraphSdl)
      : source.supergraphSdl,
    // A supergraph names each subgraph's URL; SUBGRAPH_URLS re-routes it (e.g. in containers).
    buildService: ({ name, url }) =>
      new SubgraphDataSource(
        name,
        config.subgraphUrls[name] ?? url ?? '',
        contextSigner,
        config.subgraphDedup,
        cache ?? undefined,
      ),
    logger,
    // Its spans (gateway.request/plan/execute/fetch): no document (literals are values) and no
    // exceptions (messages can quote them); the operation name and type only.
    telemetry: { includeDocument: false, recordExceptions: false },
  });
  // One model per schema load, read once; the policy and lineage stages get the same object.
  let inService: SupergraphModel | null = null;
  gateway.onSchemaLoadOrUpdate(({ coreSupergraphSdl, apiSchema }) => {
    inService = supergraphModel(coreSupergraphSdl, { apiSchema });
    readiness.loaded(inService);
    // A new supergraph (a product published a version): no entry of the old one is read again.
    cache?.schemaChanged(coreSupergraphSdl);
  });
  // The policy rules, read and checked once: enforced by the policy stage, shown by the catalog.
  const rules = readPolicyFiles(config.security.policy.dir);
  // authorize ─▶ plan + execute ─▶ mask: the policy stages wrap the gateway (MESHGATE_POLICY=off: none).
  const served = config.security.policy.enabled
    ? usePolicy(gateway, {
        policy: config.security.policy,
        rules,
        stateDir: config.stateDir,
        logger,
        grants: grants ?? undefined,
        onEngine: (current) => (policyEngine = current),
      })
    : gateway;

  const app = Fastify({ logger: false, bodyLimit: config.limits.maxBodyBytes });
  // Lineage: one event per operation, queued off the request path (MESHGATE_LINEAGE=off: none).
  const lineage = config.lineage.enabled ? await createLineage(config.lineage, logger) : null;
  // Observe: Prometheus metrics at /metrics, one JSON log line per request.
  // Health reads quality from the store it is handed, or from Redis, where every quality run writes;
  // without either it says quality is not measured.
  const ownQuality =
    services.quality === undefined && config.sli.enabled && config.quality.enabled && config.quality.redis
      ? openQualityStore(config.quality)
      : null;
  // SLIs per data product from the fetches the plugin below sees; flushed off the path (MESHGATE_SLI=off: none).
  const slo = config.sli.enabled
    ? createSlo(config.sli, {
        logger,
        products: () => sloProducts(inService, source.descriptors()),
        quality: services.quality ?? ownQuality?.store ?? null,
      })
    : null;
  // Incidents from page burn alerts, blocking quality rules and stale data, on a timer off the request path (alerts/).
  const incidents =
    slo && config.incidents.enabled
      ? createIncidents(config.incidents, {
          logger,
          slo: slo.status,
          quality: services.quality ?? ownQuality?.store ?? null,
          lineage: lineage?.store ?? null,
        })
      : null;
  const observability = createObservability({
    logger,
    sli: slo?.observed,
    lineage: lineage && {
      recorder: lineage.recorder,
      spoolPath: lineage.store.durable ? config.lineage.spoolPath : null,
    },
  });
  // Persisted operations: APQ with the cache in Redis; SAFELIST=on refuses unpublished operations.
  const persisted = usePersisted({ config: config.persisted, logger });
  const apollo = new ApolloServer<GatewayContext>({
    gateway: served,
    plugins: [
      fastifyApolloDrainPlugin(app),
      // A browser's GET /graphql opens the console's GraphiQL (served locally), not the hosted Sandbox.
      ApolloServerPluginLandingPageDisabled(),
      ...(lineage ? [useLineage({ recorder: lineage.recorder, strict: config.lineage.strict })] : []),
      observability.plugin,
      // The operation, subject, decision counts and products on the request's root span (no values).
      ...(tracing ? [useTracing()] : []),
      requireOperation(),
      persisted.plugin,
      ...(config.limits.rateLimit.points > 0
        ? [useRateLimit({ config: config.limits.rateLimit, logger })]
        : []),
    ],
    includeStacktraceInErrorResponses: config.environment === 'development',
    formatError: withLimitCodes(formatError(config.environment)),
    // Limits (limits/): depth, aliases, root fields, cost as validation rules; tokens while parsing; batch size.
    validationRules: limitRules(config.limits),
    parseOptions: { maxTokens: config.limits.maxTokens },
    allowBatchedHttpRequests: config.limits.maxBatch > 1,
    persistedQueries: persisted.persistedQueries,
    // GET and "simple" POSTs (no JSON content type) need a preflight header: no cross-site requests.
    csrfPrevention: true,
    // meshgate owns SIGINT/SIGTERM (cli/commands/lifecycle.ts). Apollo's own handler, installed
    // whenever NODE_ENV is not "test", raced ours: two concurrent stop() calls, and the second
    // waits on a barrier Apollo resolves only when stopping fails, so shutdown hung for ever.
    stopOnTerminationSignals: false,
    logger,
  });
  try {
    await apollo.start();
  } catch (cause) {
    await grants?.close();
    await accessStore.close();
    await lineage?.recorder.close();
    await cache?.close();
    await incidents?.close();
    await slo?.close();
    await ownQuality?.close();
    await tracing?.release();
    if (cause instanceof StartupError) throw cause; // e.g. POLICY_INVALID, already one line
    throw new StartupError(
      ErrorCode.SUPERGRAPH_INVALID,
      `cannot serve supergraph ${source.describe}: ${firstLine(cause)}`,
      cause,
    );
  }

  // A server span per /graphql request, continuing a client's traceparent (observability/tracing/).
  traceRequests(app, '/graphql');
  // Body size (413), batch size, malformed JSON and content types: refused with a code before GraphQL runs.
  useHttpLimits(app, { limits: config.limits, onRefused: observability.refused });
  // A stop answers the requests in flight, then ends their connections (no keep-alive wait).
  closeAfterResponseOnStop(app);
  // The console at /console (console/server/): before /graphql, since its hooks map a console
  // session to the bearer token every route authenticates, and answer a browser's GET /graphql.
  let registry: Registry | null = null;
  useConsole(app, {
    authenticate,
    environment: config.environment,
    stateDir: config.stateDir,
    logger,
    supergraph: () => inService,
    rules,
    descriptors: () => source.descriptors(),
    quality: services.quality ?? ownQuality?.store ?? null,
    registry: () => (registry ??= openRegistry(config.registry)),
    lineage: lineage?.store ?? null,
    policyDir: config.security.policy.dir,
  });
  // @defer (defer/): split into parts that each run the pipeline, streamed as multipart/mixed.
  useDefer(app, { apollo, context: requestContext(authenticate), path: '/graphql' });
  await app.register(fastifyApollo(apollo), {
    path: '/graphql',
    // Each request: its id, client and authenticated principal (request-context.ts).
    context: requestContext(authenticate),
  });
  app.get('/health', async () => ({ status: 'ok' }));
  observability.metricsRoute(app);
  // Data product gauges, computed on scrape; /admin/slo for admin and data-steward, authenticated as /graphql is.
  if (slo) sloGauges(observability.registry, slo.status, slo.recorder);
  app.get('/admin/slo', async (request, reply) => {
    const principal = await routePrincipal(authenticate, request, reply);
    if (!principal) return reply;
    const { status, body } = await sloAdmin(slo?.status ?? null, principal, request.query);
    return reply.code(status).send(body);
  });
  // Incidents for admin and data-steward; the ack needs a JSON content type or a preflight header (CSRF).
  app.get('/admin/incidents', async (request, reply) => {
    const principal = await routePrincipal(authenticate, request, reply);
    if (!principal) return reply;
    const { status, body } = await incidentsAdmin(incidents?.store ?? null, principal, request.query);
    return reply.code(status).send(body);
  });
  app.post<{ Params: { id: string } }>('/admin/incidents/:id/ack', async (request, reply) => {
    const principal = await routePrincipal(authenticate, request, reply);
    if (!principal) return reply;
    const { status, body } = await ackIncidentAdmin(
      incidents?.store ?? null,
      principal,
      request.params.id,
      request.headers,
    );
    return reply.code(status).send(body);
  });
  if (cache) {
    cacheMetrics(observability.registry, cache);
    // Admin-only (role admin or data-steward), authenticated as /graphql is.
    app.get('/admin/cache', async (request, reply) => {
      const principal = await routePrincipal(authenticate, request, reply);
      if (!principal) return reply;
      const { status, body } = cacheStatsAdmin(cache, principal);
      return reply.code(status).send(body);
    });
    app.post('/admin/cache/invalidate', async (request, reply) => {
      const principal = await routePrincipal(authenticate, request, reply);
      if (!principal) return reply;
      const { status, body } = await cacheInvalidateAdmin(cache, principal, request.body);
      return reply.code(status).send(body);
    });
  }
  // The data product catalog, for analysts and admins: GET /catalog, /catalog/:product.
  // Access requests for the console: POST/GET /admin/access-requests, approve, deny, audit.
  const access = accessService({
    store: accessStore,
    config: config.access,
    descriptors: () => source.descriptors() ?? dataProducts.map((p) => p.descriptor),
    model: () => inService,
  });
  registerAccessRoutes(app, { authenticate, service: () => access });
  registerCatalogRoutes(app, {
    authenticate,
    sources: () =>
      inService &&
      catalogSources(
        config,
        inService,
        lineage?.store ?? null,
        rules,
        source.descriptors(),
        slo?.status ?? null,
      ),
  });
  if (lineage) {
    // Admin-only (role admin or data-steward), authenticated as /graphql is.
    app.get('/admin/lineage', async (request, reply) => {
      const principal = await routePrincipal(authenticate, request, reply);
      if (!principal) return reply;
      const { status, body } = await lineageAdmin(lineage.store, principal, request.query);
      return reply.code(status).send(body);
    });
  }
  app.get('/ready', async (_request, reply) =>
    reply.code(readiness.ready ? 200 : 503).send(readiness.toJSON()),
  );

  const port = await listen(app, config.port, config.host, 'gateway').catch(async (error: unknown) => {
    await apollo.stop();
    throw error;
  });
  readiness.listening = true;
  const url = `http://${config.host === '0.0.0.0' ? '127.0.0.1' : config.host}:${port}/graphql`;
  logger.info({ url, supergraph: readiness.supergraph }, 'gateway ready');
  return {
    url,
    port,
    async stop() {
      readiness.listening = false;
      source.stop();
      await app.close();
      await apollo.stop();
      await cache?.close();
      await incidents?.close();
      await slo?.close();
      await ownQuality?.close();
      await registry?.close();
      await grants?.close();
      await accessStore.close();
      // Last: flushes the spans of the requests just answered.
      await tracing?.release();
    },
    persistNow() {
      lineage?.recorder.persistNow();
    },
  };
}

const NO_ROW_FILTERS = Object.freeze({ claims: Object.freeze({}), fingerprint: '' });

function firstLine(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.split('\n').find((line) => line.trim()) ?? 'unknown error';
}

import { ApolloGateway } from '@apollo/gateway';
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import fastifyApollo, { fastifyApolloDrainPlugin } from '@as-integrations/fastify';
import Fastify from 'fastify';
import type { MeshgateConfig } from '../config/config.js';
import { ErrorCode, StartupError } from '../common/errors.js';
import { listen } from '../common/listen.js';
import type { Logger } from '../common/logger.js';
import { declaresRowFilterEnforcement } from '../protocol/index.js';
import type { Pipeline, Resources, StageRunner } from '../pipeline/index.js';
import { withLimitCodes } from '../limits/index.js';
import { withEnforcedSecurityFeatures } from '../policy/index.js';
import { supergraphModel } from '../supergraph/supergraph-model.js';
import { SubgraphDataSource } from '../subgraph-fetch/subgraph-data-source.js';
import type { Services } from '../services.js';
import { formatError } from './format-error.js';
import { disableApolloTelemetry } from '../common/apollo-telemetry.js';

export interface ServeOptions {
  readonly config: MeshgateConfig;
  readonly logger: Logger;
  readonly resources: Resources;
  /** The stages, run by their runner at each point of a request. */
  readonly runner: StageRunner;
  readonly services: Pick<Services, 'source' | 'planning' | 'signer' | 'cache' | 'supergraph'>;
}

/**
 * Serves the pipeline: @apollo/gateway behind @apollo/server on fastify. The gateway's
 * subgraph I/O goes through the one data source (context token, de-duplication, entity cache,
 * each fetch told to the runner); each schema load becomes one model handed to every stage;
 * the stages' authorize hooks wrap the gateway's executor; their routes come before /graphql.
 * Closing (the stack) stops taking requests, drains, then stops Apollo and the gateway.
 */
export async function servePipeline({
  config,
  logger,
  resources,
  runner,
  services,
}: ServeOptions): Promise<{ url: string; port: number }> {
  const { source, planning, signer, cache, supergraph } = services;
  disableApolloTelemetry();
  const gateway = new ApolloGateway({
    // With the policy layer on, meshgate enforces @authenticated/@requiresScopes/@policy itself.
    // A reload's supergraph swaps in once its hot operations are planned (PLAN_WARMUP).
    supergraphSdl: planning.withWarmup(
      config.security.policy.enabled
        ? withEnforcedSecurityFeatures(source.supergraphSdl)
        : source.supergraphSdl,
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
    { url, supergraph: source.readiness.supergraph, stages: runner.stages.map((s) => s.name) },
    'gateway ready',
  );
  return { url, port };
}

function firstLine(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.split('\n').find((line) => line.trim()) ?? 'unknown error';
}

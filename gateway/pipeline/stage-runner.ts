import { createHash } from 'node:crypto';
import type { ApolloServerPlugin, GraphQLRequestContextWillSendResponse } from '@apollo/server';
import type { GatewayExecutor } from '@apollo/server-gateway-interface';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import {
  getOperationAST,
  type DocumentNode,
  type GraphQLSchema,
  type OperationDefinitionNode,
} from 'graphql';
import { invariant } from '../common/invariant.js';
import { ErrorCode, MeshgateGraphQLError, httpExtension } from '../common/errors.js';
import type { SubgraphFetch } from '../common/types.js';
import { requestIdFrom } from '../http/request-id.js';
import { outcomeOfRefusal, outcomeOfResponse } from '../http/request-outcome.js';
import { operationAnalyser } from '../operation/operation-analysis.js';
import type { SupergraphModel } from '../supergraph/supergraph-model.js';
import { RequestState, type DeferPart, type RequestOrigin } from './request-state.js';
import type { Answer, ApolloSettings, Execute, Pipeline, ResolvedOperation, Stage } from './types.js';

/** Runs the stages' hooks, in list order, at the points of a request where Apollo Server and fastify call it. */
export interface StageRunner {
  readonly stages: readonly Stage[];
  /** Apollo Server's one plugin: the operation and response hooks. */
  readonly plugin: ApolloServerPlugin<RequestState>;
  /** What the stages set in Apollo's own parse, validation and persisted-query steps, merged. */
  readonly apollo: ApolloSettings;
  /**
   * The context function: a request's state, created once, then the request hooks. An
   * `origin` (an MCP tool call) names the client instead of the apollographql-client-* headers.
   */
  createState(
    request: FastifyRequest,
    reply: FastifyReply,
    deferPart?: DeferPart,
    origin?: RequestOrigin,
  ): Promise<RequestState>;
  /** The gateway's executor inside the stages' authorize hooks (the first listed outermost). */
  wrapExecutor(executor: GatewayExecutor): GatewayExecutor;
  /** Called by the subgraph data source as each fetch of a plan finishes. */
  subgraphFetched(state: RequestState, fetch: SubgraphFetch): void;
  /** Called once per supergraph loaded, with its one model. */
  schemaChanged(model: SupergraphModel): void;
  /** Every stage's routes, in list order. */
  registerRoutes(app: FastifyInstance, pipeline: Pipeline): Promise<void>;
}

/**
 * The runner of an ordered list of stages (server.ts): it calls each kind of hook in list
 * order. Closing is not its business: each stage's `close` joined the resource stack when the
 * stage was made (pipeline/resources.ts).
 */
export function stageRunner(stages: readonly Stage[]): StageRunner {
  const having = <K extends keyof Stage>(hook: K) =>
    stages.filter((stage): stage is Stage & Required<Pick<Stage, K>> => stage[hook] !== undefined);
  const onRequest = having('onRequest');
  const onOperation = having('onOperation');
  const authorize = having('authorize');
  const onSubgraphFetch = having('onSubgraphFetch');
  const onResponse = having('onResponse');
  const onSchemaChange = having('onSchemaChange');
  // The runner's own memory of analyses (per document and schema), handed to the hooks with the operation.
  const analyse = operationAnalyser();

  const resolved = (
    schema: GraphQLSchema,
    document: DocumentNode,
    definition: OperationDefinitionNode,
    hash: string,
  ): ResolvedOperation => ({
    document,
    definition,
    name: definition.name?.value ?? null,
    type: definition.operation,
    hash,
    analysis: analyse(schema, document, definition),
  });

  const respond = async (state: RequestState, answer: Answer) => {
    for (const stage of onResponse) await stage.onResponse(state, answer);
  };
  const refused = (error: Error) =>
    respond(RequestState.refused(), {
      operation: null,
      recorded: null,
      operationName: null,
      queryHash: null,
      outcome: outcomeOfRefusal(error),
      response: null,
    });

  const answerOf = (rc: GraphQLRequestContextWillSendResponse<RequestState>): Answer => {
    const state = rc.contextValue;
    const operation = state.operation;
    // The initial part of a split @defer operation records the whole operation (defer/).
    const whole = state.deferPart?.operation;
    const wholeDefinition = whole && getOperationAST(whole);
    const queryHash =
      rc.queryHash ?? (rc.source ? createHash('sha256').update(rc.source).digest('hex') : null);
    return {
      operation,
      recorded:
        whole && wholeDefinition && operation
          ? resolved(rc.schema, whole, wholeDefinition, operation.hash)
          : operation,
      operationName: rc.operationName ?? null,
      queryHash,
      outcome: outcomeOfResponse(rc.response),
      response: rc.response,
    };
  };

  return {
    stages,
    apollo: Object.assign({}, ...stages.map((stage) => stage.apollo ?? {})) as ApolloSettings,
    plugin: {
      // 401 (authentication in the context function) and malformed requests (CSRF, bad batch):
      // no operation ran, but they are requests all the same.
      async contextCreationDidFail({ error }) {
        await refused(error);
      },
      async invalidRequestWasReceived({ error }) {
        await refused(error);
      },
      async requestDidStart() {
        return {
          async didResolveOperation({
            contextValue: state,
            document,
            operation,
            operationName,
            queryHash,
            schema,
          }) {
            if (!operation) throw operationResolutionFailure(operationName);
            state.operation = resolved(schema, document, operation, queryHash);
            for (const stage of onOperation) await stage.onOperation(state, state.operation);
          },
          async willSendResponse(rc) {
            await respond(rc.contextValue, answerOf(rc));
          },
        };
      },
    },
    async createState(request, reply, deferPart, origin) {
      const requestId = requestIdFrom(request.headers['x-request-id']);
      void reply.header('x-request-id', requestId);
      const state = new RequestState(
        requestId,
        origin?.client ?? {
          name: header(request.headers['apollographql-client-name']),
          version: header(request.headers['apollographql-client-version']),
        },
        deferPart ?? null,
        origin ?? null,
      );
      for (const stage of onRequest) await stage.onRequest(state, request, reply);
      return state;
    },
    wrapExecutor(executor) {
      let run: Execute = (request) => executor(request);
      for (const stage of [...authorize].reverse()) {
        const next = run;
        run = (request) => {
          const state = request.context;
          invariant(state instanceof RequestState && state.operation, 'the executor runs a resolved request');
          return stage.authorize(state, state.operation, request, next);
        };
      }
      return run;
    },
    subgraphFetched(state, fetch) {
      state.fetches.push(fetch);
      for (const stage of onSubgraphFetch) stage.onSubgraphFetch(state, fetch);
    },
    schemaChanged(model) {
      for (const stage of onSchemaChange) stage.onSchemaChange(model);
    },
    async registerRoutes(app, pipeline) {
      for (const stage of stages) await stage.routes?.(app, pipeline);
    },
  };
}

/**
 * A document with several operations and no (or an unknown) `operationName` has no operation
 * to run. Apollo Server would still call the gateway's executor, which fails with a 500; this
 * answers 400 OPERATION_RESOLUTION_FAILURE (Apollo's own code for it) instead. Found by the
 * fuzz test.
 */
function operationResolutionFailure(name: string | null): MeshgateGraphQLError {
  const message = name
    ? `Unknown operation named "${name}"`
    : 'Must provide operation name if query contains multiple operations';
  // Apollo's code, not one of ours: clients already handle OPERATION_RESOLUTION_FAILURE.
  return new MeshgateGraphQLError(ErrorCode.OPERATION_RESOLUTION_FAILURE, message, {
    http: httpExtension(ErrorCode.OPERATION_RESOLUTION_FAILURE),
  });
}

function header(value: string | string[] | undefined): string | undefined {
  return typeof value === 'string' ? value.slice(0, 128) : undefined;
}

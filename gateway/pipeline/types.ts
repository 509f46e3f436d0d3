import type {
  ApolloServerOptions,
  GraphQLResponse,
  HTTPGraphQLRequest,
  HTTPGraphQLResponse,
} from '@apollo/server';
import type { GatewayExecutionResult, GatewayGraphQLRequestContext } from '@apollo/server-gateway-interface';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { DocumentNode, OperationDefinitionNode, OperationTypeNode } from 'graphql';
import type { RequestOutcome } from '../http/request-outcome.js';
import type { OperationAnalysis } from '../operation/types.js';
import type { SupergraphModel } from '../supergraph/supergraph-model.js';
import type { SubgraphFetch } from '../common/types.js';
import type { DeferPart, RequestOrigin, RequestState } from './request-state.js';

/**
 * The operation of a request once GraphQL resolved it, with its analysis (operation/): made
 * once by the runner and handed to every hook that reads it.
 */
export interface ResolvedOperation {
  readonly document: DocumentNode;
  readonly definition: OperationDefinitionNode;
  readonly name: string | null;
  readonly type: OperationTypeNode;
  /** sha256 of the source: what persisted operations, plans and lineage know it by. */
  readonly hash: string;
  readonly analysis: OperationAnalysis;
}

/** Plan and execute one operation (the gateway's executor), or whatever an inner stage made of it. */
export type Execute = (request: GatewayGraphQLRequestContext) => Promise<GatewayExecutionResult>;

/** What a request came to, as the response hooks see it: answered by GraphQL, or refused before. */
export interface Answer {
  /** Null when GraphQL never resolved an operation (a parse or validation failure, a refusal). */
  readonly operation: ResolvedOperation | null;
  /**
   * The operation as recorded: the whole operation for the initial part of a split @defer
   * operation (the parts are one operation to lineage), else `operation`.
   */
  readonly recorded: ResolvedOperation | null;
  /** The name the client sent, when no operation was resolved. */
  readonly operationName: string | null;
  /** Set when the operation had a source, resolved or not (lineage's hash of a failed parse). */
  readonly queryHash: string | null;
  /** How it ended (http/request-outcome.ts), decided once for every reader. */
  readonly outcome: RequestOutcome;
  /** The response, absent for a request refused before it had one (401, malformed). */
  readonly response: GraphQLResponse | null;
}

/** The whole pipeline, for a stage that is an entry point of its own. */
export interface Pipeline {
  /**
   * Runs one GraphQL request over HTTP semantics through every stage, as POST /graphql does.
   * `origin`: the entry point that is not /graphql (an MCP tool call), recorded on the state.
   */
  execute(
    http: HTTPGraphQLRequest,
    request: FastifyRequest,
    reply: FastifyReply,
    deferPart?: DeferPart,
    origin?: RequestOrigin,
  ): Promise<HTTPGraphQLResponse>;
}

/** What a stage sets in Apollo Server's own pipeline: limits while parsing and validating, APQ. */
export type ApolloSettings = Pick<
  ApolloServerOptions<RequestState>,
  'validationRules' | 'parseOptions' | 'persistedQueries' | 'allowBatchedHttpRequests'
>;

/**
 * One stage of the gateway: made by a factory in its folder, listed once in server.ts. Every
 * hook is optional; the runner (stage-runner.ts) calls each kind in list order, which is the
 * order a request meets the stages. A hook that throws a GraphQLError refuses the request
 * with that error; nothing else may be thrown.
 */
export interface Stage {
  readonly name: string;
  /**
   * Its HTTP routes and HTTP-level hooks on the gateway's server, registered in list order
   * before /graphql. An entry point of its own (the @defer parts, the console, /mcp) runs
   * operations through `pipeline`, never a copy of it.
   */
  routes?(app: FastifyInstance, pipeline: Pipeline): void | Promise<void>;
  /** What it configures in Apollo Server's parse, validation and persisted-query steps. */
  readonly apollo?: ApolloSettings;
  /** A request arrived and has its state: e.g. authenticate sets the principal (or refuses, 401). */
  onRequest?(state: RequestState, request: FastifyRequest, reply: FastifyReply): void | Promise<void>;
  /** The operation is resolved and analysed; refuse it here (safelist, rate limit). */
  onOperation?(state: RequestState, operation: ResolvedOperation): void | Promise<void>;
  /**
   * Around plan + execute: may answer itself, hand `next` a rewritten operation, and change the
   * result (authorize ─▶ plan + execute ─▶ mask). The first stage listed is the outermost.
   */
  authorize?(
    state: RequestState,
    operation: ResolvedOperation,
    request: GatewayGraphQLRequestContext,
    next: Execute,
  ): Promise<GatewayExecutionResult>;
  /** A subgraph fetch of the plan finished (recorded on `state.fetches` already). */
  onSubgraphFetch?(state: RequestState, fetch: SubgraphFetch): void;
  /** The response is about to be sent, or the request was refused: report on it. */
  onResponse?(state: RequestState, answer: Answer): void | Promise<void>;
  /** A supergraph was loaded: the one model of it, read once. */
  onSchemaChange?(model: SupergraphModel): void;
  /** Closes what the stage opened; the runner calls it in reverse list order, on stop and on a failed start. */
  close?(): void | Promise<void>;
}

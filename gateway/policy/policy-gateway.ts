import type {
  GatewayExecutor,
  GatewayGraphQLRequestContext,
  GatewayInterface,
} from '@apollo/server-gateway-interface';
import {
  Kind,
  execute,
  valueFromAST,
  typeFromAST,
  isInputType,
  type DocumentNode,
  type FragmentDefinitionNode,
  type GraphQLSchema,
  type OperationDefinitionNode,
} from 'graphql';
import { LRUCache } from 'lru-cache';
import { secretFor } from '../auth/dev-key.js';
import type { PolicyConfig } from '../auth/security-config.js';
import { ANONYMOUS, type GatewayContext } from '../http/context.js';
import { ErrorCode, MeshgateGraphQLError, StartupError, httpExtension } from '../common/errors.js';
import type { Logger } from '../common/logger.js';
import { memoByObject } from '../common/memo-by-object.js';
import { supergraphModel } from '../supergraph/supergraph-model.js';
import { applyDecisions } from './apply-decisions.js';
import { authorizeOperation } from './authorize-operation.js';
import { filterSchema } from './filter-schema.js';
import { introspectionKind } from './introspection.js';
import { createMasker } from './mask-value.js';
import { compilePolicy } from './policy-engine.js';
import { readPolicyFiles } from './policy-file.js';
import { indexSupergraph } from './schema-index.js';
import type { OperationAuthorization, PolicyEngine, PolicyRule } from './types.js';

export interface PolicyOptions {
  policy: PolicyConfig;
  /** Where the development key lives (config.stateDir), for the default hash-mask key. */
  stateDir: string;
  logger: Logger;
  /** The policy rules, when the caller has read them already; read from `policy.dir` otherwise. */
  rules?: readonly PolicyRule[] | undefined;
  /** Authorized operations kept per (operation, principal key). Default 10 000. */
  decisionCacheSize?: number;
  /** Introspection schemas kept per principal key. Default 100. */
  introspectionCacheSize?: number;
}

/**
 * The authorize and mask stages, as a wrapper around the gateway (Apollo Server's
 * `GatewayInterface`). @apollo/gateway caches query plans by the operation's hash, so
 * rewriting only the document in a plugin would let one principal's plan serve another; the
 * wrapper's executor instead hands the real executor an operation with its own source and
 * hash, then masks the response:
 *
 *   authorize (decisions cached per operation × principal key; denied selections removed)
 *     ─▶ plan + execute (the wrapped gateway)
 *       ─▶ mask (masked values replaced; removed fields null, with UNAUTHORIZED_FIELD_OR_TYPE)
 *
 * Modes (POLICY_MODE): `enforce` (the above), `reject` (403 if anything is denied), `dry-run`
 * (decisions reported in `extensions.policy`, nothing changed). Introspection sees the schema
 * filtered to what the principal may read (POLICY_INTROSPECTION=filtered|full|off).
 *
 * Policy files are read and checked here, at start; the schema-dependent checks run when the
 * supergraph loads, and a failure refuses start-up.
 */
export function usePolicy(gateway: GatewayInterface, options: PolicyOptions): GatewayInterface {
  const { policy, logger } = options;
  const rules = options.rules ?? readPolicyFiles(policy.dir);
  const mask = createMasker(secretFor('hash-mask', policy.hashKey, options.stateDir));
  const decisions = new LRUCache<string, OperationAuthorization>({
    max: options.decisionCacheSize ?? 10_000,
  });
  const schemas = new LRUCache<string, GraphQLSchema>({ max: options.introspectionCacheSize ?? 100 });
  let engine: PolicyEngine | undefined;
  let failure: unknown;

  gateway.onSchemaLoadOrUpdate(({ apiSchema, coreSupergraphSdl }) => {
    const strict = engine === undefined;
    try {
      engine = compilePolicy({
        rules,
        // The same model the other stages of this schema load get (one parse per supergraph).
        index: indexSupergraph(supergraphModel(coreSupergraphSdl, { apiSchema }), apiSchema),
        strict,
        onSkippedRule: (message) => logger.warn(message),
      });
      decisions.clear();
      schemas.clear();
    } catch (error) {
      failure = error;
      if (!strict)
        logger.error(
          { err: error },
          'policies do not compile against the new supergraph; keeping the previous ones',
        );
    }
  });

  const wrap =
    (executor: GatewayExecutor): GatewayExecutor =>
    async (requestContext) => {
      const current = engine;
      if (!current)
        throw new MeshgateGraphQLError(ErrorCode.INTERNAL_SERVER_ERROR, 'policies are not loaded');
      const context = requestContext.context as Partial<GatewayContext>;
      const principal = context.principal ?? ANONYMOUS;
      const { operation, document } = requestContext;
      const { fragments, introspection } = factsOf(operation, document);
      const principalKey = current.principalKey(principal);

      if (introspection !== 'none' && policy.introspection !== 'full') {
        if (policy.introspection === 'off')
          throw forbidden('Introspection is disabled (POLICY_INTROSPECTION=off)');
        if (introspection === 'mixed')
          throw new MeshgateGraphQLError(
            ErrorCode.BAD_USER_INPUT,
            'Send introspection (__schema, __type) apart from data fields',
            { http: httpExtension(ErrorCode.BAD_USER_INPUT) },
          );
        let schema = schemas.get(principalKey);
        if (!schema) schemas.set(principalKey, (schema = filterSchema(current, principal)));
        return execute({
          schema,
          document,
          operationName: requestContext.operationName,
          variableValues: requestContext.request.variables ?? {},
        }) as ReturnType<GatewayExecutor>;
      }

      const cacheKey = `${requestContext.queryHash}\u0000${requestContext.operationName ?? ''}\u0000${principalKey}`;
      let authorization = decisions.get(cacheKey);
      if (!authorization) {
        authorization = authorizeOperation(
          current,
          principal,
          document,
          operation,
          requestContext.source,
          requestContext.queryHash,
        );
        decisions.set(cacheKey, authorization);
      }
      if (context.decisions) context.decisions = authorization.decisions;

      if (policy.mode === 'dry-run') {
        const result = await executor(requestContext);
        const report = { mode: 'dry-run', decisions: authorization.decisions };
        return { ...result, extensions: { ...result.extensions, policy: report } };
      }
      if (policy.mode === 'reject' && authorization.denied.size > 0) {
        const denied = [...authorization.denied].map(([coordinate, rule]) => ({ coordinate, rule }));
        throw forbidden(
          `The operation reads what the principal may not: ${denied.map((d) => `${d.coordinate} (rule ${d.rule})`).join(', ')}`,
          { denied },
        );
      }
      const planned: GatewayGraphQLRequestContext =
        authorization.document === document
          ? requestContext
          : {
              ...requestContext,
              request: { ...requestContext.request, query: authorization.source },
              document: authorization.document,
              source: authorization.source,
              queryHash: authorization.queryHash,
              operation: authorization.document.definitions[0] as OperationDefinitionNode,
            };
      const result = await executor(planned);
      if (!authorization.touchesResponse || !result.data) return result;
      const errors = applyDecisions(result.data, {
        schema: current.schema,
        operation,
        fragments,
        variables: withDefaults(current.schema, operation, requestContext.request.variables ?? {}),
        authorization,
        mask,
      });
      return errors.length ? { ...result, errors: [...(result.errors ?? []), ...errors] } : result;
    };

  return {
    onSchemaLoadOrUpdate: (callback) => gateway.onSchemaLoadOrUpdate(callback),
    async load(loadOptions) {
      const loaded = await gateway.load(loadOptions);
      if (!engine) {
        await gateway.stop().catch(() => undefined);
        throw failure instanceof StartupError
          ? failure
          : new StartupError(
              ErrorCode.POLICY_INVALID,
              `policies cannot be compiled: ${String(failure)}`,
              failure,
            );
      }
      return { ...loaded, executor: loaded.executor && wrap(loaded.executor) };
    },
    stop: () => gateway.stop(),
  };
}

interface OperationFacts {
  readonly fragments: ReadonlyMap<string, FragmentDefinitionNode>;
  readonly introspection: ReturnType<typeof introspectionKind>;
}

/**
 * Apollo Server keeps parsed documents (its document store), so a repeated query arrives as
 * the same nodes: what the policy stage needs from the document is worked out once per
 * operation node, which belongs to exactly one document.
 */
const factsOf = memoByObject((operation: OperationDefinitionNode, document: DocumentNode): OperationFacts => {
  const fragments = new Map(
    document.definitions
      .filter((d): d is FragmentDefinitionNode => d.kind === Kind.FRAGMENT_DEFINITION)
      .map((f) => [f.name.value, f]),
  );
  return { fragments, introspection: introspectionKind(operation, fragments) };
});

function forbidden(message: string, extensions: Record<string, unknown> = {}): MeshgateGraphQLError {
  return new MeshgateGraphQLError(ErrorCode.UNAUTHORIZED_FIELD_OR_TYPE, message, {
    ...extensions,
    http: httpExtension(ErrorCode.UNAUTHORIZED_FIELD_OR_TYPE),
  });
}

/** The request's variables with the operation's defaults filled in (for @include/@skip). */
function withDefaults(
  schema: GraphQLSchema,
  operation: OperationDefinitionNode,
  variables: Record<string, unknown>,
): Record<string, unknown> {
  const definitions = operation.variableDefinitions ?? [];
  if (definitions.every((d) => !d.defaultValue || d.variable.name.value in variables)) return variables;
  const filled = { ...variables };
  for (const definition of definitions) {
    const name = definition.variable.name.value;
    if (name in filled || !definition.defaultValue) continue;
    const type = typeFromAST(schema, definition.type);
    if (type && isInputType(type)) filled[name] = valueFromAST(definition.defaultValue, type);
  }
  return filled;
}

import type { GatewayExecutor, GatewayGraphQLRequestContext } from '@apollo/server-gateway-interface';
import type { OperationDefinitionNode } from 'graphql';
import type { PolicyConfig } from '../auth/security-config.js';
import { ErrorCode, MeshgateGraphQLError } from '../common/errors.js';
import { ANONYMOUS, type GatewayContext } from '../http/context.js';
import { analyseOperation } from '../operation/operation-analysis.js';
import { applyDecisions, variablesWithDefaults } from './apply-decisions.js';
import type { AuthorizationCache } from './authorization-cache.js';
import { forbidden } from './forbidden.js';
import type { IntrospectionGate } from './introspection-gate.js';
import type { MaskStrategy, PolicyEngine } from './types.js';
import { inSpan } from '../observability/tracing/in-span.js';

export interface PolicyExecutorOptions {
  /** POLICY_MODE. */
  readonly mode: PolicyConfig['mode'];
  /** The engine of the supergraph in service (engine-lifecycle.ts). */
  readonly engine: () => PolicyEngine | undefined;
  readonly introspection: IntrospectionGate;
  readonly authorizations: AuthorizationCache;
  readonly mask: (value: unknown, strategy: MaskStrategy) => unknown;
}

/**
 * The authorize and mask stages around the gateway's executor. @apollo/gateway caches query
 * plans by the operation's hash, so rewriting only the document in a plugin would let one
 * principal's plan serve another; this executor instead hands the real one an operation with
 * its own source and hash, then masks the response:
 *
 *   analyse (once per document: operation/operation-analysis.ts)
 *     ─▶ introspection gate (introspection-gate.ts)
 *       ─▶ authorize (cached per operation × principal key; denied selections removed)
 *         ─▶ plan + execute (the wrapped executor)
 *           ─▶ mask (masked values replaced; removed fields null, with UNAUTHORIZED_FIELD_OR_TYPE)
 *
 * Modes (POLICY_MODE): `enforce` (the above), `reject` (403 if anything is denied), `dry-run`
 * (decisions reported in `extensions.policy`, the operation run and answered unchanged).
 * Either way the decisions go on the request context, for lineage and the metrics.
 */
export function policyExecutor(executor: GatewayExecutor, options: PolicyExecutorOptions): GatewayExecutor {
  const { mode, introspection, authorizations, mask } = options;
  return async (requestContext) => {
    const engine = options.engine();
    if (!engine) throw new MeshgateGraphQLError(ErrorCode.INTERNAL_SERVER_ERROR, 'policies are not loaded');
    const context = requestContext.context as Partial<GatewayContext>;
    const principal = context.principal ?? ANONYMOUS;
    const { document, operation, request } = requestContext;
    const analysis = analyseOperation(engine.schema, document, operation);

    const answer = introspection.answer(engine, principal, analysis, {
      operationName: requestContext.operationName,
      variables: request.variables,
    });
    if (answer) return answer;

    // Spans carry the operation's name and hash, the subject and the decision counts: no values.
    const operationAttributes = {
      'graphql.operation.name': requestContext.operationName ?? '',
      'meshgate.operation.hash': requestContext.queryHash ?? '',
    };
    const authorization = inSpan(
      'meshgate.authorize',
      { ...operationAttributes, 'enduser.id': principal.sub },
      (span) => {
        const result = authorizations.authorize(engine, principal, analysis, requestContext);
        span.setAttributes({
          'meshgate.decisions': result.decisions.length,
          'meshgate.decisions.denied': result.denied.size,
          'meshgate.decisions.masked': result.masked.size,
        });
        return result;
      },
    );
    if (context.decisions) context.decisions = authorization.decisions;
    // The row filters the context token will carry (row-filter.ts), for lineage: one array per principal key.
    const { applied } = engine.rowFilters(principal);
    if (applied.length && context.fetches) context.rowFilters = applied;

    if (mode === 'dry-run') {
      const result = await executor(requestContext);
      const report = { mode: 'dry-run', decisions: authorization.decisions };
      return { ...result, extensions: { ...result.extensions, policy: report } };
    }
    if (mode === 'reject' && authorization.denied.size > 0) {
      const denied = [...authorization.denied].map(([coordinate, rule]) => ({ coordinate, rule }));
      throw forbidden(
        `The operation reads what the principal may not: ${denied.map((d) => `${d.coordinate} (rule ${d.rule})`).join(', ')}`,
        { denied },
      );
    }
    const planned: GatewayGraphQLRequestContext = authorization.rewritten
      ? {
          ...requestContext,
          request: { ...request, query: authorization.source },
          document: authorization.document,
          source: authorization.source,
          queryHash: authorization.queryHash,
          operation: authorization.document.definitions[0] as OperationDefinitionNode,
        }
      : requestContext;
    const result = await executor(planned);
    if (!authorization.touchesResponse || !result.data) return result;
    const data = result.data;
    const errors = inSpan(
      'meshgate.mask',
      { ...operationAttributes, 'meshgate.decisions.masked': authorization.masked.size },
      () =>
        applyDecisions(data, {
          schema: engine.schema,
          analysis,
          variables: variablesWithDefaults(engine.schema, operation, request.variables ?? {}),
          authorization,
          mask,
        }),
    );
    return errors.length ? { ...result, errors: [...(result.errors ?? []), ...errors] } : result;
  };
}

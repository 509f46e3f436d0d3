import type { GatewayGraphQLRequestContext } from '@apollo/server-gateway-interface';
import type { OperationDefinitionNode } from 'graphql';
import type { PolicyConfig } from '../auth/security-config.js';
import { ErrorCode, MeshgateGraphQLError } from '../common/errors.js';
import type { Stage } from '../pipeline/types.js';
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
 * The authorize and mask hooks around the gateway's executor (the policy stage's `authorize`). @apollo/gateway caches query
 * plans by the operation's hash, so rewriting only the document in a plugin would let one
 * principal's plan serve another; this executor instead hands the real one an operation with
 * its own source and hash, then masks the response:
 *
 *   the analysis (made once by the runner: pipeline/stage-runner.ts)
 *     ─▶ introspection gate (introspection-gate.ts)
 *       ─▶ authorize (cached per operation × principal key; denied selections removed)
 *         ─▶ plan + execute (the wrapped executor)
 *           ─▶ mask (masked values replaced; removed fields null, with UNAUTHORIZED_FIELD_OR_TYPE)
 *
 * Modes (POLICY_MODE): `enforce` (the above), `reject` (403 if anything is denied), `dry-run`
 * (decisions reported in `extensions.policy`, the operation run and answered unchanged).
 * Either way the decisions and row filters go on the request state, for lineage, the metrics
 * and the context token.
 */
export function policyExecutor(options: PolicyExecutorOptions): NonNullable<Stage['authorize']> {
  const { mode, introspection, authorizations, mask } = options;
  return async (state, resolved, requestContext, executor) => {
    const engine = options.engine();
    if (!engine) throw new MeshgateGraphQLError(ErrorCode.INTERNAL_SERVER_ERROR, 'policies are not loaded');
    const { principal } = state;
    const { operation, request } = requestContext;
    const { analysis } = resolved;

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
    state.decisions = authorization.decisions;
    // The row filters, worked out once: the context token carries them, lineage records them.
    state.rowFilters = engine.rowFilters(principal);

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

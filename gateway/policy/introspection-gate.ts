import type { GatewayExecutionResult } from '@apollo/server-gateway-interface';
import { execute, type GraphQLSchema } from 'graphql';
import { LRUCache } from 'lru-cache';
import type { PolicyConfig } from '../auth/security-config.js';
import { ErrorCode, MeshgateGraphQLError, httpExtension } from '../common/errors.js';
import { memoByObject } from '../common/memo-by-object.js';
import type { Principal } from '../common/types.js';
import type { OperationAnalysis } from '../operation/types.js';
import { filterSchema } from './filter-schema.js';
import { forbidden } from './forbidden.js';
import type { PolicyEngine } from './types.js';

/** The request members an introspection answer reads. */
export interface IntrospectionRequest {
  readonly operationName: string | null;
  readonly variables: Record<string, unknown> | undefined;
}

export interface IntrospectionGate {
  /**
   * The answer to an introspection operation, or undefined for one the gate lets through
   * (not introspection, or POLICY_INTROSPECTION=full: authorized like any other operation).
   * Throws the refusals: 403 when introspection is off, 400 when it is mixed with data fields.
   */
  answer(
    engine: PolicyEngine,
    principal: Principal,
    analysis: OperationAnalysis,
    request: IntrospectionRequest,
  ): Promise<GatewayExecutionResult> | undefined;
  /** The schema a principal introspects: filtered to what it may read, kept per principal key. */
  schemaFor(engine: PolicyEngine, principal: Principal): GraphQLSchema;
}

/**
 * Introspection (`__schema`, `__type`) as POLICY_INTROSPECTION says: `filtered` answers it
 * here, against the API schema without what the principal is denied (filter-schema.ts), so
 * a principal cannot even learn the names of fields it may not read; `full` lets it through
 * to the gateway like any other operation; `off` refuses it (403). Mixed with data fields it
 * is refused (400) unless `full`: the gateway would answer the introspection part from the
 * unfiltered schema. The filtered schemas are kept per principal key, the `cacheSize` most
 * recently used ones per engine.
 */
export function introspectionGate(mode: PolicyConfig['introspection'], cacheSize: number): IntrospectionGate {
  const cacheOf = memoByObject(
    (_engine: PolicyEngine) => new LRUCache<string, GraphQLSchema>({ max: cacheSize }),
  );
  const schemaFor = (engine: PolicyEngine, principal: Principal): GraphQLSchema => {
    const schemas = cacheOf(engine);
    const key = engine.principalKey(principal);
    let schema = schemas.get(key);
    if (!schema) schemas.set(key, (schema = filterSchema(engine, principal)));
    return schema;
  };
  return {
    schemaFor,
    answer(engine, principal, analysis, request) {
      if (analysis.introspection === 'none' || mode === 'full') return undefined;
      if (mode === 'off') throw forbidden('Introspection is disabled (POLICY_INTROSPECTION=off)');
      if (analysis.introspection === 'mixed')
        throw new MeshgateGraphQLError(
          ErrorCode.BAD_USER_INPUT,
          'Send introspection (__schema, __type) apart from data fields',
          { http: httpExtension(ErrorCode.BAD_USER_INPUT) },
        );
      return Promise.resolve(
        execute({
          schema: schemaFor(engine, principal),
          document: analysis.document,
          operationName: request.operationName,
          variableValues: request.variables ?? {},
        }),
      );
    },
  };
}

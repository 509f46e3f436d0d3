import type { GraphQLSchema } from 'graphql';
import type { SupergraphModel } from '../supergraph/supergraph-model.js';

/**
 * What policies compile against: the API schema the gateway serves, and what the supergraph
 * model read from the directives that schema drops (classifications from `@tag`, Apollo's
 * authorization directives; see supergraph/access-directives.ts).
 */
export interface SchemaIndex {
  readonly schema: GraphQLSchema;
  /** Classifications by `Type.field` (a type's own tags included). */
  readonly classification: SupergraphModel['classification'];
  /** Directive requirements by `Type.field` or by `Type`. */
  readonly requirements: SupergraphModel['requirements'];
  /** Which subgraphs resolve each field: where a row filter is enforced (row-filter.ts). */
  readonly ownership?: SupergraphModel['ownership'] | undefined;
}

/**
 * `apiSchema`: the gateway passes the one @apollo/gateway executes against, so decisions,
 * filtered introspection and masking see the very types the executor sees.
 */
export function indexSupergraph(
  model: SupergraphModel,
  apiSchema: GraphQLSchema = model.apiSchema,
): SchemaIndex {
  return {
    schema: apiSchema,
    classification: model.classification,
    requirements: model.requirements,
    ownership: model.ownership,
  };
}

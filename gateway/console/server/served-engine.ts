import { memoByObject } from '../../common/memo-by-object.js';
import { compilePolicy, indexSupergraph, type PolicyEngine, type PolicyRule } from '../../policy/index.js';
import type { SupergraphModel } from '../../supergraph/supergraph-model.js';

/**
 * The policy engine of a supergraph, compiled once per model as the policy stage compiles it
 * (engine-lifecycle.ts): the same rules against the same API schema, so the matrix shows the
 * decisions /graphql makes. Not strict: the served gateway already refused rules that do not
 * fit the first supergraph, and skips them on later ones.
 */
export function servedEngine(rules: readonly PolicyRule[]): (model: SupergraphModel) => PolicyEngine {
  return memoByObject((model: SupergraphModel) =>
    compilePolicy({ rules, index: indexSupergraph(model), strict: false }),
  );
}

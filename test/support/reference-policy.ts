import type { Principal } from '../../gateway/common/types.js';
import { compilePolicy } from '../../gateway/policy/policy-engine.js';
import { readPolicyFiles } from '../../gateway/policy/policy-file.js';
import { indexSupergraph } from '../../gateway/policy/schema-index.js';
import type { PolicyEngine } from '../../gateway/policy/types.js';
import { readSupergraphFile } from '../../gateway/supergraph/read-supergraph-file.js';
import { supergraphModel, type SupergraphModel } from '../../gateway/supergraph/supergraph-model.js';

/**
 * What the policy unit tests run against: the committed supergraph's model and the shipped
 * policies (policies/), compiled strictly as a gateway start does.
 */
export function referenceModel(): SupergraphModel {
  return supergraphModel(readSupergraphFile('schema/supergraph.graphql'));
}

export function referenceEngine(model: SupergraphModel = referenceModel()): PolicyEngine {
  return compilePolicy({ rules: readPolicyFiles('policies'), index: indexSupergraph(model), strict: true });
}

/** A signed-in principal with these roles (no scopes, no attributes unless given). */
export function principal(sub: string, roles: string[], attributes: Record<string, string> = {}): Principal {
  return { sub, anonymous: false, roles, scopes: [], teams: [], attributes };
}

export { usePolicy, type PolicyStage, type UsePolicyOptions } from './use-policy.js';
export { compilePolicy, CLASSIFICATIONS } from './policy-engine.js';
export { readPolicyFiles, parsePolicyFile } from './policy-file.js';
export { indexSupergraph, type SchemaIndex } from './schema-index.js';
export { authorizeOperation } from './authorize-operation.js';
export { createMasker, REDACTED } from './mask-value.js';
export type { OperationAuthorization, PolicyEngine, PolicyRule, RuleEffect } from './types.js';
export { acceptEnforcedSecurityFeatures, withEnforcedSecurityFeatures } from './security-features.js';

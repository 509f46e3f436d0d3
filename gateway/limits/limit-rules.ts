import type { ValidationRule } from 'graphql';
import { aliasLimitRule } from './alias-rule.js';
import { costLimitRule } from './cost-rule.js';
import { depthLimitRule } from './depth-rule.js';
import { knownOperationTypeRule } from './known-operation-type-rule.js';
import { rootFieldsLimitRule } from './root-fields-rule.js';
import type { LimitsConfig } from './types.js';

/** The operation limits as graphql-js validation rules, for Apollo Server's `validationRules` (plus the root-type check graphql 16 lacks). */
export function limitRules(limits: LimitsConfig): ValidationRule[] {
  return [
    knownOperationTypeRule,
    depthLimitRule(limits.maxDepth),
    aliasLimitRule(limits.maxAliases),
    rootFieldsLimitRule(limits.maxRootFields),
    costLimitRule({ maxCost: limits.maxCost, listSize: limits.costListSize }),
  ];
}

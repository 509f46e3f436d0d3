import type { ASTVisitor, GraphQLCompositeType, ValidationContext, ValidationRule } from 'graphql';
import { ErrorCode } from '../common/errors.js';
import { fieldType, foldSelections, isIntrospection } from './fold-selections.js';
import { limitError } from './limit-error.js';

/**
 * MAX_DEPTH: refuses an operation whose fields nest deeper than `maxDepth` (a root field is
 * depth 1), fragments expanded. `__schema`/`__type` subtrees are not counted.
 */
export function depthLimitRule(maxDepth: number): ValidationRule {
  return (context: ValidationContext): ASTVisitor => {
    const fold = foldSelections(context, {
      field: (field, parentType: GraphQLCompositeType | undefined) => {
        if (isIntrospection(field)) return 0;
        return 1 + (field.selectionSet ? fold(field.selectionSet, fieldType(parentType, field)) : 0);
      },
      combine: Math.max,
    });
    return {
      OperationDefinition(operation) {
        const depth = fold(
          operation.selectionSet,
          context.getSchema().getRootType(operation.operation) ?? undefined,
        );
        if (depth > maxDepth) {
          context.reportError(
            limitError(
              ErrorCode.DEPTH_LIMIT_EXCEEDED,
              `Operation depth ${depth} exceeds the maximum of ${maxDepth}`,
              { depth, maxDepth },
            ),
          );
        }
      },
    };
  };
}

import type { ASTVisitor, ValidationContext, ValidationRule } from 'graphql';
import { ErrorCode } from '../common/errors.js';
import { foldSelections } from './fold-selections.js';
import { limitError } from './limit-error.js';

/** MAX_ROOT_FIELDS: refuses an operation selecting more than `maxRootFields` root fields (`__typename` not counted). */
export function rootFieldsLimitRule(maxRootFields: number): ValidationRule {
  return (context: ValidationContext): ASTVisitor => {
    const fold = foldSelections(context, {
      field: (field) => (field.name.value === '__typename' ? 0 : 1),
      combine: (a, b) => a + b,
    });
    return {
      OperationDefinition(operation) {
        const rootFields = fold(operation.selectionSet, undefined);
        if (rootFields > maxRootFields) {
          context.reportError(
            limitError(
              ErrorCode.ROOT_FIELD_LIMIT_EXCEEDED,
              `Operation selects ${rootFields} root fields; the maximum is ${maxRootFields}`,
              { rootFields, maxRootFields },
            ),
          );
        }
      },
    };
  };
}

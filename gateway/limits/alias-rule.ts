import type { ASTVisitor, ValidationContext, ValidationRule } from 'graphql';
import { ErrorCode } from '../common/errors.js';
import { limitError } from './limit-error.js';

/**
 * MAX_ALIASES: refuses a document with more than `maxAliases` aliased fields (an "alias bomb"
 * asks for one expensive field thousands of times under different names). Repetition through
 * fragments is priced by the cost estimate.
 */
export function aliasLimitRule(maxAliases: number): ValidationRule {
  return (context: ValidationContext): ASTVisitor => {
    let aliases = 0;
    return {
      Field(field) {
        if (field.alias) aliases++;
      },
      Document: {
        leave() {
          if (aliases > maxAliases) {
            context.reportError(
              limitError(
                ErrorCode.ALIAS_LIMIT_EXCEEDED,
                `Document uses ${aliases} aliases; the maximum is ${maxAliases}`,
                { aliases, maxAliases },
              ),
            );
          }
        },
      },
    };
  };
}

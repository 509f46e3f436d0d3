import { GraphQLError, type ASTVisitor, type ValidationContext, type ValidationRule } from 'graphql';

/**
 * A port of graphql-js 17's KnownOperationTypesRule (graphql 16 lacks it): an operation whose
 * root type the schema does not have (`subscription { ... }` on a mesh without subscriptions)
 * fails validation with 400 instead of failing at execution with a 500. Found by the fuzz test.
 */
export const knownOperationTypeRule: ValidationRule = (context: ValidationContext): ASTVisitor => ({
  OperationDefinition(operation) {
    if (!context.getSchema().getRootType(operation.operation)) {
      context.reportError(
        new GraphQLError(`The schema does not support ${operation.operation} operations.`, {
          nodes: operation,
        }),
      );
    }
  },
});

import {
  Kind,
  getNullableType,
  isListType,
  type ASTVisitor,
  type FieldNode,
  type GraphQLCompositeType,
  type ValidationContext,
  type ValidationRule,
} from 'graphql';
import { ErrorCode } from '../common/errors.js';
import { fieldType, foldSelections, isIntrospection } from './fold-selections.js';
import { limitError } from './limit-error.js';

/** Arguments that bound a list field's length (the mesh's connections and lists use these). */
const SIZE_ARGUMENTS = new Set(['first', 'last', 'limit']);

export interface CostOptions {
  maxCost: number;
  /** The length assumed for a list field without a literal size argument. */
  listSize: number;
}

/**
 * MAX_COST: a static cost estimate, computed before anything runs. Each field costs 1; a
 * field returning a list (or a connection) multiplies the cost of its selection by its
 * `first`/`last`/`limit` literal, else that argument's schema default, else `listSize` (a
 * variable's value is not known at validation).
 * `__schema`/`__type` subtrees are free.
 *
 *   cost(field) = 1 + multiplier(field) × cost(selection of field)
 */
export function costLimitRule({ maxCost, listSize }: CostOptions): ValidationRule {
  return (context: ValidationContext): ASTVisitor => {
    const fold = foldSelections(context, {
      field: (field, parentType) => {
        if (isIntrospection(field)) return 0;
        if (!field.selectionSet) return 1;
        return (
          1 + multiplier(parentType, field, listSize) * fold(field.selectionSet, fieldType(parentType, field))
        );
      },
      combine: (a, b) => a + b,
    });
    return {
      OperationDefinition(operation) {
        const cost = fold(
          operation.selectionSet,
          context.getSchema().getRootType(operation.operation) ?? undefined,
        );
        if (cost > maxCost) {
          context.reportError(
            limitError(
              ErrorCode.COST_LIMIT_EXCEEDED,
              `Operation cost ${cost} exceeds the maximum of ${maxCost}`,
              { cost, maxCost },
            ),
          );
        }
      },
    };
  };
}

function multiplier(
  parentType: GraphQLCompositeType | undefined,
  field: FieldNode,
  listSize: number,
): number {
  // A Relay connection's size is its `first`/`last`, already counted on the connection field.
  if (field.name.value === 'edges' || field.name.value === 'nodes') return 1;
  const definition =
    parentType && 'getFields' in parentType ? parentType.getFields()[field.name.value] : undefined;
  const size = field.arguments?.find((a) => SIZE_ARGUMENTS.has(a.name.value))?.value;
  if (size) return size.kind === Kind.INT ? Math.max(1, Number(size.value)) : listSize;
  // The schema's default page size (`first: Int = 20`) when the operation gives none.
  const defaulted = definition?.args.find((a) => SIZE_ARGUMENTS.has(a.name))?.defaultValue;
  if (typeof defaulted === 'number') return Math.max(1, defaulted);
  return definition && isListType(getNullableType(definition.type)) ? listSize : 1;
}

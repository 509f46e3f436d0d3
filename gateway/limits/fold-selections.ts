import {
  Kind,
  getNamedType,
  isCompositeType,
  type FieldNode,
  type GraphQLCompositeType,
  type SelectionSetNode,
  type ValidationContext,
} from 'graphql';

/** How a limit measures a selection set: a number per field, combined across the set. */
export interface SelectionMeasure {
  field(field: FieldNode, parentType: GraphQLCompositeType | undefined): number;
  /** `Math.max` for depth, addition for counts and cost. */
  combine(a: number, b: number): number;
}

/**
 * Measures a selection set with fragments expanded, each fragment measured once (memoized by
 * name): a "fragment bomb" (F0 spreads F1 twice, F1 spreads F2 twice, ...) costs linear time
 * here, not exponential. A spread of a fragment being expanded counts 0: NoFragmentCyclesRule
 * reports the cycle itself.
 */
export function foldSelections(context: ValidationContext, measure: SelectionMeasure) {
  const fragments = new Map<string, number>();
  const expanding = new Set<string>();
  const fold = (selectionSet: SelectionSetNode, parentType: GraphQLCompositeType | undefined): number => {
    let total = 0;
    for (const selection of selectionSet.selections) {
      let value = 0;
      switch (selection.kind) {
        case Kind.FIELD:
          value = measure.field(selection, parentType);
          break;
        case Kind.INLINE_FRAGMENT:
          value = fold(
            selection.selectionSet,
            conditionType(context, selection.typeCondition?.name.value) ?? parentType,
          );
          break;
        case Kind.FRAGMENT_SPREAD: {
          const name = selection.name.value;
          const known = fragments.get(name);
          const fragment = context.getFragment(name);
          if (known !== undefined) value = known;
          else if (fragment && !expanding.has(name)) {
            expanding.add(name);
            value = fold(fragment.selectionSet, conditionType(context, fragment.typeCondition.name.value));
            expanding.delete(name);
            fragments.set(name, value);
          }
          break;
        }
      }
      total = measure.combine(total, value);
    }
    return total;
  };
  return fold;
}

/** The composite type a field returns (lists and non-null unwrapped); undefined for leaves and unknown fields. */
export function fieldType(
  parentType: GraphQLCompositeType | undefined,
  field: FieldNode,
): GraphQLCompositeType | undefined {
  if (!parentType || !('getFields' in parentType)) return undefined;
  const definition = parentType.getFields()[field.name.value];
  const named = definition ? getNamedType(definition.type) : undefined;
  return named && isCompositeType(named) ? named : undefined;
}

/** Introspection root fields: governed by the policy layer's POLICY_INTROSPECTION, not by these limits. */
export function isIntrospection(field: FieldNode): boolean {
  return field.name.value === '__schema' || field.name.value === '__type';
}

function conditionType(
  context: ValidationContext,
  name: string | undefined,
): GraphQLCompositeType | undefined {
  const type = name ? context.getSchema().getType(name) : undefined;
  return type && isCompositeType(type) ? type : undefined;
}

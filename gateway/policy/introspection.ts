import {
  Kind,
  type FragmentDefinitionNode,
  type OperationDefinitionNode,
  type SelectionSetNode,
} from 'graphql';

/** Whether an operation reads `__schema`/`__type` at its root: not, only those, or mixed with data. */
export function introspectionKind(
  operation: OperationDefinitionNode,
  fragments: ReadonlyMap<string, FragmentDefinitionNode>,
): 'none' | 'only' | 'mixed' {
  let introspection = false;
  let data = false;
  const scan = (set: SelectionSetNode, seen: Set<string>) => {
    for (const selection of set.selections) {
      if (selection.kind === Kind.FIELD) {
        const name = selection.name.value;
        if (name === '__schema' || name === '__type') introspection = true;
        else if (name !== '__typename') data = true;
      } else if (selection.kind === Kind.INLINE_FRAGMENT) scan(selection.selectionSet, seen);
      else if (!seen.has(selection.name.value)) {
        seen.add(selection.name.value);
        const fragment = fragments.get(selection.name.value);
        if (fragment) scan(fragment.selectionSet, seen);
      }
    }
  };
  scan(operation.selectionSet, new Set());
  return !introspection ? 'none' : data ? 'mixed' : 'only';
}

import { isInterfaceType, isObjectType } from 'graphql';
import type { AnalysedSelectionSet, OperationAnalysis } from '../operation/types.js';
import type { Ownership } from '../supergraph/supergraph-model.js';
import type { FieldRead } from './types.js';

/**
 * The field coordinates an operation reads, each with its response path and the data product
 * that serves it: the operation's analysis (operation/operation-analysis.ts, shared with the
 * policy stage, which decided these very coordinates) with fragments expanded where they are
 * spread, and ownership from the supergraph. The same for every execution of one operation,
 * so it is kept with the analysis (per ownership): one array per operation, which the event's
 * own caches key on (event.ts).
 *
 * Where several subgraphs can resolve a field (keys, `@shareable` value types), the one that
 * served its parent is taken — the query planner stays in the current subgraph when it can.
 */
export function fieldsRead(analysis: OperationAnalysis, ownership: Ownership): readonly FieldRead[] {
  let byOwnership = cache.get(analysis);
  if (!byOwnership) cache.set(analysis, (byOwnership = new WeakMap()));
  let reads = byOwnership.get(ownership);
  if (!reads) byOwnership.set(ownership, (reads = readsOf(analysis, ownership)));
  return reads;
}

const cache = new WeakMap<OperationAnalysis, WeakMap<Ownership, readonly FieldRead[]>>();

function readsOf(analysis: OperationAnalysis, ownership: Ownership): readonly FieldRead[] {
  if (!analysis.selectionSet.type) return [];
  const reads = new Map<string, FieldRead>();
  walk(analysis.selectionSet, '', null, new Set());
  return [...reads.values()];

  function walk(
    set: AnalysedSelectionSet,
    path: string,
    parentProduct: string | null,
    spread: ReadonlySet<string>,
  ): void {
    const parent = set.type;
    if (!parent) return;
    for (const selection of set.selections) {
      switch (selection.kind) {
        case 'field': {
          const { name, definition } = selection;
          // Introspection and __typename read no data product.
          if (selection.meta || !(isObjectType(parent) || isInterfaceType(parent))) continue;
          if (!definition) continue; // an invalid document: validation reports it
          const owners = ownership.owners(parent.name, name);
          const product =
            parentProduct && owners.includes(parentProduct)
              ? parentProduct
              : (owners[0] ?? parentProduct ?? 'unknown');
          const fieldPath = path ? `${path}.${selection.responseKey}` : selection.responseKey;
          const coordinate = `${parent.name}.${name}`;
          const key = `${fieldPath}|${coordinate}`;
          if (!reads.has(key))
            reads.set(key, { path: fieldPath, coordinate, product, type: String(definition.type) });
          if (selection.selectionSet) walk(selection.selectionSet, fieldPath, product, spread);
          break;
        }
        case 'inline':
          walk(selection.selectionSet, path, parentProduct, spread);
          break;
        case 'spread': {
          const fragment = analysis.fragments.get(selection.name);
          if (!fragment || spread.has(fragment.name)) continue; // cycles are a validation error
          walk(fragment.selectionSet, path, parentProduct, new Set([...spread, fragment.name]));
          break;
        }
      }
    }
  }
}

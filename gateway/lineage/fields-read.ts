import {
  getNamedType,
  isCompositeType,
  isInterfaceType,
  isObjectType,
  Kind,
  type DocumentNode,
  type FragmentDefinitionNode,
  type GraphQLCompositeType,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
} from 'graphql';
import { LRUCache } from 'lru-cache';
import type { Ownership } from '../supergraph/supergraph-model.js';
import type { FieldRead } from './types.js';

/**
 * The field coordinates an operation reads, each with its response path and the data product
 * that serves it. Derived from the document against the API schema, so it is the same for
 * every execution of one operation: cached per schema by document hash and operation name.
 *
 * Where several subgraphs can resolve a field (keys, `@shareable` value types), the one that
 * served its parent is taken — the query planner stays in the current subgraph when it can.
 */
export function fieldsRead(
  schema: GraphQLSchema,
  ownership: Ownership,
  document: DocumentNode,
  operation: OperationDefinitionNode,
): FieldRead[] {
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const definition of document.definitions) {
    if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
  }
  const root = schema.getRootType(operation.operation);
  if (!root) return [];
  const reads = new Map<string, FieldRead>();
  walk(operation.selectionSet, root, '', null, new Set());
  return [...reads.values()];

  function walk(
    selections: SelectionSetNode,
    parent: GraphQLCompositeType,
    path: string,
    parentProduct: string | null,
    spread: Set<string>,
  ) {
    for (const selection of selections.selections) {
      switch (selection.kind) {
        case Kind.FIELD: {
          const name = selection.name.value;
          // Introspection and __typename read no data product.
          if (name.startsWith('__') || !(isObjectType(parent) || isInterfaceType(parent))) continue;
          const definition = parent.getFields()[name];
          if (!definition) continue; // an invalid document: validation reports it
          const owners = ownership.owners(parent.name, name);
          const product =
            parentProduct && owners.includes(parentProduct)
              ? parentProduct
              : (owners[0] ?? parentProduct ?? 'unknown');
          const fieldPath = path
            ? `${path}.${selection.alias?.value ?? name}`
            : (selection.alias?.value ?? name);
          const key = `${fieldPath}|${parent.name}.${name}`;
          if (!reads.has(key))
            reads.set(key, {
              path: fieldPath,
              coordinate: `${parent.name}.${name}`,
              product,
              type: String(definition.type),
            });
          const named = getNamedType(definition.type);
          if (selection.selectionSet && isCompositeType(named))
            walk(selection.selectionSet, named, fieldPath, product, spread);
          break;
        }
        case Kind.INLINE_FRAGMENT: {
          const condition = selection.typeCondition
            ? schema.getType(selection.typeCondition.name.value)
            : parent;
          if (condition && isCompositeType(condition))
            walk(selection.selectionSet, condition, path, parentProduct, spread);
          break;
        }
        case Kind.FRAGMENT_SPREAD: {
          const fragment = fragments.get(selection.name.value);
          if (!fragment || spread.has(fragment.name.value)) continue; // cycles are a validation error
          const condition = schema.getType(fragment.typeCondition.name.value);
          if (condition && isCompositeType(condition)) {
            walk(
              fragment.selectionSet,
              condition,
              path,
              parentProduct,
              new Set([...spread, fragment.name.value]),
            );
          }
          break;
        }
      }
    }
  }
}

const caches = new WeakMap<GraphQLSchema, LRUCache<string, FieldRead[]>>();

/** `fieldsRead`, memoized per schema under `key` (document hash + operation name). */
export function cachedFieldsRead(
  key: string,
  schema: GraphQLSchema,
  ownership: Ownership,
  document: DocumentNode,
  operation: OperationDefinitionNode,
): FieldRead[] {
  let cache = caches.get(schema);
  if (!cache) {
    cache = new LRUCache({ max: 1_000 });
    caches.set(schema, cache);
  }
  let reads = cache.get(key);
  if (!reads) {
    reads = fieldsRead(schema, ownership, document, operation);
    cache.set(key, reads);
  }
  return reads;
}

import { Kind, type ConstDirectiveNode } from 'graphql';
import type { SchemaView } from './schema-view.js';
import type { SubgraphInput } from './subgraph-sources.js';
import type { GovernanceConfig } from './types.js';

/**
 * Classified fields (`Type.field` → classifications) from the two places a domain declares
 * them: `@tag(name: "pii")` in its SDL (on the field, or on the type for all its fields —
 * what the policy layer reads) and the `classification` of its data contract's properties.
 */
export function classifiedFields(
  view: SchemaView,
  inputs: readonly SubgraphInput[],
  config: GovernanceConfig,
): Map<string, Set<string>> {
  const known = new Set(config.personalData.classifications);
  const result = new Map<string, Set<string>>();
  const add = (coordinate: string, classification: string) => {
    if (!known.has(classification) || !view.has(coordinate)) return;
    result.set(coordinate, (result.get(coordinate) ?? new Set()).add(classification));
  };
  for (const definition of view.document.definitions) {
    if (definition.kind !== Kind.OBJECT_TYPE_DEFINITION && definition.kind !== Kind.INTERFACE_TYPE_DEFINITION)
      continue;
    const typeTags = tags(definition.directives);
    for (const field of definition.fields ?? []) {
      for (const tag of [...typeTags, ...tags(field.directives)])
        add(`${definition.name.value}.${field.name.value}`, tag);
    }
  }
  for (const input of inputs) {
    const map = input.descriptor.valid?.classification ?? contractClassification(input.descriptor.raw);
    for (const [coordinate, classification] of Object.entries(map)) add(coordinate, classification);
  }
  return result;
}

export function tags(directives: readonly ConstDirectiveNode[] | undefined): string[] {
  return (directives ?? []).flatMap((d) => {
    const name =
      d.name.value === 'tag' ? d.arguments?.find((a) => a.name.value === 'name')?.value : undefined;
    return name?.kind === Kind.STRING ? [name.value] : [];
  });
}

/** `Type.field` → classification from a contract's schema, even when the rest of it is invalid. */
function contractClassification(raw: unknown): Record<string, string> {
  const result: Record<string, string> = {};
  const objects = (raw as { schema?: unknown } | null)?.schema;
  if (!Array.isArray(objects)) return result;
  for (const object of objects as { name?: unknown; properties?: unknown }[]) {
    if (typeof object?.name !== 'string' || !Array.isArray(object.properties)) continue;
    for (const property of object.properties as { name?: unknown; classification?: unknown }[])
      if (typeof property?.name === 'string' && typeof property.classification === 'string')
        result[`${object.name}.${property.name}`] = property.classification;
  }
  return result;
}

import type { ContractProblem } from '../../gateway/protocol/index.js';
import { sdlObjects } from './sdl-objects.js';

/** ODCS logical types a GraphQL String may stand for: a timestamp or a date travels as an ISO string. */
const STRING_LIKE = new Set(['string', 'timestamp', 'date', 'time']);

interface WrittenProperty {
  name?: unknown;
  logicalType?: unknown;
  required?: unknown;
  classification?: unknown;
}
interface WrittenObject {
  name?: unknown;
  properties?: WrittenProperty[];
}

/**
 * Where a contract's `schema` disagrees with the product's SDL (see sdl-objects.ts): a type
 * or field one has and the other lacks, another logical type, another nullability, another
 * classification. Pointers lead to the contract's element, or to `/schema` for a missing one.
 */
export function sdlDisagreements(sdl: string, contract: unknown): ContractProblem[] {
  const written = ((contract as { schema?: unknown }).schema ?? []) as WrittenObject[];
  if (!Array.isArray(written)) return [];
  let expected: ReturnType<typeof sdlObjects>;
  try {
    expected = sdlObjects(sdl);
  } catch {
    // An SDL that does not parse is the composition rule's finding, not the contract's.
    return [];
  }
  const problems: ContractProblem[] = [];
  const byName = new Map(written.map((o, i) => [o.name, i]));
  for (const object of expected)
    if (!byName.has(object.name))
      problems.push({
        pointer: '/schema',
        message: `has no object ${object.name}, which schema.graphql defines`,
      });
  written.forEach((object, i) => {
    const sdlObject = expected.find((o) => o.name === object.name);
    if (!sdlObject) {
      problems.push({
        pointer: `/schema/${i}/name`,
        message: `${String(object.name)} is not an object type of schema.graphql`,
      });
      return;
    }
    const properties = Array.isArray(object.properties) ? object.properties : [];
    for (const field of sdlObject.properties)
      if (!properties.some((p) => p.name === field.name))
        problems.push({
          pointer: `/schema/${i}/properties`,
          message: `has no property ${field.name}: schema.graphql has ${sdlObject.name}.${field.name}`,
        });
    properties.forEach((property, j) => {
      const at = `/schema/${i}/properties/${j}`;
      const field = sdlObject.properties.find((f) => f.name === property.name);
      const coordinate = `${sdlObject.name}.${String(property.name)}`;
      if (!field) {
        problems.push({ pointer: `${at}/name`, message: `${coordinate} is not a field of schema.graphql` });
        return;
      }
      const type = property.logicalType;
      const typeAgrees =
        field.logicalType === 'string' ? STRING_LIKE.has(String(type)) : type === field.logicalType;
      if (!typeAgrees)
        problems.push({
          pointer: `${at}/logicalType`,
          message: `${coordinate} is ${field.logicalType} in schema.graphql, not ${String(type)}`,
        });
      if ((property.required ?? false) !== field.required)
        problems.push({
          pointer: `${at}/required`,
          message: `${coordinate} is ${field.required ? 'non-null' : 'nullable'} in schema.graphql: required must be ${field.required}`,
        });
      const sensitive = ['pii', 'pci', 'confidential'].includes(String(property.classification))
        ? String(property.classification)
        : null;
      if (sensitive !== field.classification)
        problems.push({
          pointer: `${at}/classification`,
          message: field.classification
            ? `${coordinate} is tagged ${field.classification} in schema.graphql: classify it ${field.classification}`
            : `${coordinate} is classified ${sensitive} but schema.graphql does not tag it @tag(name: "${sensitive}")`,
        });
    });
  });
  return problems;
}

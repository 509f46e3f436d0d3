import { getNamedType, isInputObjectType, isInterfaceType, isObjectType, type GraphQLSchema } from 'graphql';
import { splitCoordinate } from './schema-view.js';

/**
 * The `Type.field` coordinates an operation must select to be affected by a change at
 * `coordinate` — what lineage records, so what usage is looked up by. A field or its argument
 * → the field; an object type → its fields; an enum, input, scalar or union (or one of their
 * values or input fields) → every field that returns it or takes it in an argument, through
 * nested input types.
 */
export function affectedFields(api: GraphQLSchema, coordinate: string): string[] {
  const { type, member } = splitCoordinate(coordinate);
  const named = api.getType(type);
  if (!named) return [];
  if (isObjectType(named) || isInterfaceType(named)) {
    return member !== undefined
      ? [`${type}.${member}`]
      : Object.keys(named.getFields()).map((f) => `${type}.${f}`);
  }
  const carriers = inputsContaining(api, type);
  const fields: string[] = [];
  for (const candidate of Object.values(api.getTypeMap())) {
    if ((!isObjectType(candidate) && !isInterfaceType(candidate)) || candidate.name.startsWith('__'))
      continue;
    for (const field of Object.values(candidate.getFields())) {
      const returns = getNamedType(field.type).name === type;
      const takes = field.args.some((arg) => carriers.has(getNamedType(arg.type).name));
      if (returns || takes) fields.push(`${candidate.name}.${field.name}`);
    }
  }
  return fields.sort();
}

/** `type` and every input type that holds it, directly or through other input types. */
function inputsContaining(api: GraphQLSchema, type: string): Set<string> {
  const found = new Set([type]);
  for (let grew = true; grew;) {
    grew = false;
    for (const candidate of Object.values(api.getTypeMap())) {
      if (!isInputObjectType(candidate) || found.has(candidate.name)) continue;
      if (Object.values(candidate.getFields()).some((f) => found.has(getNamedType(f.type).name))) {
        found.add(candidate.name);
        grew = true;
      }
    }
  }
  return found;
}

import {
  getNamedType,
  isEnumType,
  isInputObjectType,
  isInterfaceType,
  isObjectType,
  isSpecifiedScalarType,
  type GraphQLSchema,
} from 'graphql';

/** One definition of an API schema that standards rules look at. */
export interface SchemaElement {
  readonly kind: 'type' | 'field' | 'input-field' | 'argument' | 'enum-value';
  readonly coordinate: string;
  readonly name: string;
  /** The type the element belongs to (its own name for a type). */
  readonly parent: string;
  /** For fields, arguments and input fields: the named type they return or take. */
  readonly namedType: string | undefined;
  readonly description: string | null | undefined;
  readonly deprecationReason: string | null | undefined;
}

/** Every type, field, argument, input field and enum value the schema defines, built-ins left out. */
export function schemaElements(api: GraphQLSchema): SchemaElement[] {
  const elements: SchemaElement[] = [];
  for (const type of Object.values(api.getTypeMap())) {
    if (type.name.startsWith('__') || isSpecifiedScalarType(type)) continue;
    elements.push({
      kind: 'type',
      coordinate: type.name,
      name: type.name,
      parent: type.name,
      namedType: undefined,
      description: type.description,
      deprecationReason: undefined,
    });
    if (isObjectType(type) || isInterfaceType(type)) {
      for (const field of Object.values(type.getFields())) {
        const coordinate = `${type.name}.${field.name}`;
        elements.push({
          kind: 'field',
          coordinate,
          name: field.name,
          parent: type.name,
          namedType: getNamedType(field.type).name,
          description: field.description,
          deprecationReason: field.deprecationReason,
        });
        for (const arg of field.args) {
          elements.push({
            kind: 'argument',
            coordinate: `${coordinate}(${arg.name}:)`,
            name: arg.name,
            parent: type.name,
            namedType: getNamedType(arg.type).name,
            description: arg.description,
            deprecationReason: arg.deprecationReason,
          });
        }
      }
    } else if (isInputObjectType(type)) {
      for (const field of Object.values(type.getFields())) {
        elements.push({
          kind: 'input-field',
          coordinate: `${type.name}.${field.name}`,
          name: field.name,
          parent: type.name,
          namedType: getNamedType(field.type).name,
          description: field.description,
          deprecationReason: field.deprecationReason,
        });
      }
    } else if (isEnumType(type)) {
      for (const value of type.getValues()) {
        elements.push({
          kind: 'enum-value',
          coordinate: `${type.name}.${value.name}`,
          name: value.name,
          parent: type.name,
          namedType: undefined,
          description: value.description,
          deprecationReason: value.deprecationReason,
        });
      }
    }
  }
  return elements;
}

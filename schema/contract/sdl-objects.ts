import {
  Kind,
  parse,
  type ConstDirectiveNode,
  type DefinitionNode,
  type FieldDefinitionNode,
  type TypeNode,
} from 'graphql';

/**
 * The part of a data contract's `schema` that the SDL decides: one ODCS schema object per
 * GraphQL object type the product defines or extends, one property per field, with its
 * logical type, whether it is required (non-null) and its classification (`@tag(name: "pii")`
 * on the field or its type). Root types and the pagination wrappers (`…Connection`,
 * `…Edge`, `PageInfo`) are the API's shape, not data, and stay out.
 *
 * The contract is written by the domain team (with descriptions, physical names, quality
 * rules) and checked against this: `meshgate check` refuses any disagreement, so the SDL and
 * the contract never disagree silently. `meshgate product new` writes it as a start.
 */
export interface SdlProperty {
  readonly name: string;
  readonly logicalType: 'string' | 'integer' | 'number' | 'boolean' | 'object' | 'array';
  readonly required: boolean;
  readonly classification: string | null;
  readonly description: string | null;
}

export interface SdlObject {
  readonly name: string;
  readonly description: string | null;
  readonly properties: readonly SdlProperty[];
}

const ROOTS = new Set(['Query', 'Mutation', 'Subscription']);
const SENSITIVE = new Set(['pii', 'pci', 'confidential']);
const SCALARS: Record<string, SdlProperty['logicalType']> = {
  ID: 'string',
  String: 'string',
  Int: 'integer',
  Float: 'number',
  Boolean: 'boolean',
};

export function sdlObjects(sdl: string): SdlObject[] {
  const document = parse(sdl);
  const objectTypes = new Set(document.definitions.flatMap((d) => (isObject(d) ? [d.name.value] : [])));
  const objects: SdlObject[] = [];
  for (const definition of document.definitions) {
    if (!isObject(definition)) continue;
    const name = definition.name.value;
    if (ROOTS.has(name) || name === 'PageInfo' || /.(Connection|Edge)$/.test(name)) continue;
    const typeTag = sensitiveTag(definition.directives);
    objects.push({
      name,
      description: 'description' in definition ? (definition.description?.value ?? null) : null,
      properties: (definition.fields ?? []).map((field) => property(field, typeTag, objectTypes)),
    });
  }
  return objects;
}

function property(
  field: FieldDefinitionNode,
  typeTag: string | null,
  objectTypes: ReadonlySet<string>,
): SdlProperty {
  return {
    name: field.name.value,
    logicalType: logicalType(field.type, objectTypes),
    required: field.type.kind === Kind.NON_NULL_TYPE,
    classification: sensitiveTag(field.directives) ?? typeTag,
    description: field.description?.value ?? null,
  };
}

function logicalType(type: TypeNode, objectTypes: ReadonlySet<string>): SdlProperty['logicalType'] {
  if (type.kind === Kind.NON_NULL_TYPE) return logicalType(type.type, objectTypes);
  if (type.kind === Kind.LIST_TYPE) return 'array';
  // Enums and custom scalars travel as strings.
  return SCALARS[type.name.value] ?? (objectTypes.has(type.name.value) ? 'object' : 'string');
}

function sensitiveTag(directives: readonly ConstDirectiveNode[] | undefined): string | null {
  for (const d of directives ?? []) {
    const value =
      d.name.value === 'tag' ? d.arguments?.find((a) => a.name.value === 'name')?.value : undefined;
    if (value?.kind === Kind.STRING && SENSITIVE.has(value.value)) return value.value;
  }
  return null;
}

function isObject(
  d: DefinitionNode,
): d is Extract<DefinitionNode, { kind: Kind.OBJECT_TYPE_DEFINITION | Kind.OBJECT_TYPE_EXTENSION }> {
  return d.kind === Kind.OBJECT_TYPE_DEFINITION || d.kind === Kind.OBJECT_TYPE_EXTENSION;
}

import {
  isEnumType,
  isInputObjectType,
  isListType,
  isNonNullType,
  isScalarType,
  typeFromAST,
  valueFromASTUntyped,
  type GraphQLInputType,
  type GraphQLSchema,
  type OperationDefinitionNode,
} from 'graphql';
import type { JsonSchema, ObjectSchema } from './types.js';

/** JSON Schema of the built-in scalars; a custom scalar accepts any JSON value (its own parser checks it). */
const SCALARS: Readonly<Record<string, JsonSchema>> = {
  String: { type: 'string' },
  ID: { type: ['string', 'integer'] },
  Int: { type: 'integer', minimum: -2_147_483_648, maximum: 2_147_483_647 },
  Float: { type: 'number' },
  Boolean: { type: 'boolean' },
};

/**
 * An operation's variables as the JSON Schema of a tool's input, as Apollo's MCP server makes
 * it: one property per variable, required when non-null without a default, its default and
 * its type's description carried. Input objects go to `$defs` and are referred to, so a
 * recursive filter type (`and: [Filter!]`) stays finite. Nullable values accept `null`.
 */
export function variablesSchema(schema: GraphQLSchema, operation: OperationDefinitionNode): ObjectSchema {
  const defs: Record<string, JsonSchema> = {};
  const properties: Record<string, JsonSchema> = {};
  const required: string[] = [];

  const nullable = (inner: JsonSchema): JsonSchema => {
    if (typeof inner.$ref === 'string') return { anyOf: [inner, { type: 'null' }] };
    const { type } = inner;
    return {
      ...inner,
      ...(typeof type === 'string' && { type: [type, 'null'] }),
      ...(Array.isArray(type) && { type: [...(type as string[]), 'null'] }),
      ...(Array.isArray(inner.enum) && { enum: [...(inner.enum as unknown[]), null] }),
    };
  };

  const of = (type: GraphQLInputType): JsonSchema => {
    if (isNonNullType(type)) return named(type.ofType);
    return nullable(named(type));
  };

  const named = (type: GraphQLInputType): JsonSchema => {
    if (isNonNullType(type)) return named(type.ofType);
    if (isListType(type)) return { type: 'array', items: of(type.ofType) };
    if (isScalarType(type))
      return SCALARS[type.name] ?? { description: type.description ?? `a ${type.name} (GraphQL scalar)` };
    if (isEnumType(type))
      return {
        type: 'string',
        enum: type.getValues().map((v) => v.name),
        ...(type.description && { description: type.description }),
      };
    if (isInputObjectType(type)) {
      if (!(type.name in defs)) {
        defs[type.name] = {}; // placed first: a recursive reference finds it
        const fields = Object.values(type.getFields());
        defs[type.name] = {
          type: 'object',
          ...(type.description && { description: type.description }),
          properties: Object.fromEntries(
            fields.map((f) => [
              f.name,
              {
                ...of(f.type),
                ...(f.description && { description: f.description }),
                ...(f.defaultValue !== undefined && { default: f.defaultValue }),
              },
            ]),
          ),
          required: fields
            .filter((f) => isNonNullType(f.type) && f.defaultValue === undefined)
            .map((f) => f.name),
          additionalProperties: false,
        };
      }
      return { $ref: `#/$defs/${type.name}` };
    }
    return {};
  };

  for (const definition of operation.variableDefinitions ?? []) {
    const name = definition.variable.name.value;
    const type = typeFromAST(schema, definition.type) as GraphQLInputType | undefined;
    // A variable of a type the schema lacks: the pipeline refuses the operation with its validation error.
    if (!type) {
      properties[name] = {};
      continue;
    }
    properties[name] = {
      ...of(type),
      ...(definition.defaultValue && { default: valueFromASTUntyped(definition.defaultValue) }),
    };
    if (isNonNullType(type) && !definition.defaultValue) required.push(name);
  }
  return {
    type: 'object',
    properties,
    ...(required.length && { required }),
    additionalProperties: false,
    ...(Object.keys(defs).length && { $defs: defs }),
  };
}

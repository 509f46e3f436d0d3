import {
  Kind,
  buildASTSchema,
  getNamedType,
  isInterfaceType,
  isObjectType,
  parse,
  printSchema,
  visit,
  type DocumentNode,
  type GraphQLSchema,
} from 'graphql';
import type { Principal } from '../common/types.js';
import type { PolicyEngine } from './types.js';

/**
 * The schema a principal sees through introspection: the API schema without the fields it is
 * denied (masked fields stay: it may read them, masked). A type left with no fields goes, and
 * so do the fields that return it, until nothing changes.
 */
export function filterSchema(engine: PolicyEngine, principal: Principal): GraphQLSchema {
  const schema = engine.schema;
  const hidden = new Set<string>();
  for (const type of Object.values(schema.getTypeMap())) {
    if (type.name.startsWith('__')) continue;
    if (
      (isObjectType(type) || isInterfaceType(type)) &&
      engine.decideType(type.name, principal).effect === 'deny'
    )
      hidden.add(type.name);
  }
  const deniedFields = new Set<string>();
  for (let changed = true; changed;) {
    changed = false;
    for (const type of Object.values(schema.getTypeMap())) {
      if (
        type.name.startsWith('__') ||
        hidden.has(type.name) ||
        !(isObjectType(type) || isInterfaceType(type))
      )
        continue;
      const fields = Object.values(type.getFields());
      for (const field of fields) {
        const coordinate = `${type.name}.${field.name}`;
        if (deniedFields.has(coordinate)) continue;
        if (
          hidden.has(getNamedType(field.type).name) ||
          engine.decideField(type.name, field.name, principal).effect === 'deny'
        ) {
          deniedFields.add(coordinate);
          changed = true;
        }
      }
      const isRoot =
        type === schema.getQueryType() ||
        type === schema.getMutationType() ||
        type === schema.getSubscriptionType();
      if (!isRoot && fields.every((f) => deniedFields.has(`${type.name}.${f.name}`))) {
        hidden.add(type.name);
        changed = true;
      }
    }
  }
  const document: DocumentNode = visit(parse(printSchema(schema)), {
    ObjectTypeDefinition: (node) =>
      hidden.has(node.name.value)
        ? null
        : {
            ...node,
            fields: node.fields?.filter((f) => !deniedFields.has(`${node.name.value}.${f.name.value}`)) ?? [],
          },
    InterfaceTypeDefinition: (node) =>
      hidden.has(node.name.value)
        ? null
        : {
            ...node,
            fields: node.fields?.filter((f) => !deniedFields.has(`${node.name.value}.${f.name.value}`)) ?? [],
          },
    NamedType: (node, _key, parent) =>
      hidden.has(node.name.value) && Array.isArray(parent) ? null : undefined,
    UnionTypeDefinition: (node) => (node.types?.every((t) => hidden.has(t.name.value)) ? null : undefined),
  });
  const kept = {
    ...document,
    definitions: document.definitions.filter(
      (d) => d.kind !== Kind.OBJECT_TYPE_DEFINITION || (d.fields?.length ?? 0) > 0,
    ),
  };
  return buildASTSchema(kept, { assumeValidSDL: true });
}

import {
  Kind,
  SchemaMetaFieldDef,
  TypeMetaFieldDef,
  TypeNameMetaFieldDef,
  getNamedType,
  isAbstractType,
  isCompositeType,
  isInterfaceType,
  isObjectType,
  type DocumentNode,
  type FragmentDefinitionNode,
  type GraphQLCompositeType,
  type GraphQLField,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
} from 'graphql';
import { invariant } from '../common/invariant.js';
import type {
  AnalysedFragment,
  AnalysedSelection,
  AnalysedSelectionSet,
  IntrospectionKind,
  OperationAnalysis,
} from './types.js';

/** What one document gives against one schema: its fragments, analysed once, and its operations. */
interface DocumentAnalysis {
  readonly fragments: ReadonlyMap<string, AnalysedFragment>;
  readonly abstractFragments: boolean;
  readonly operations: Map<OperationDefinitionNode, OperationAnalysis>;
}

/** Analyses operations against a schema, keeping each analysis for as long as its document lives. */
export type OperationAnalyser = (
  schema: GraphQLSchema,
  document: DocumentNode,
  operation: OperationDefinitionNode,
) => OperationAnalysis;

/**
 * An analyser with its own memory, owned by whoever runs the pipeline (pipeline/stage-runner.ts)
 * and handed on with the analysis, never shared through module state. Apollo Server keeps each
 * parsed and validated document (its document store, one per schema load) and hands a repeated
 * query the same nodes, so the analysis is kept on the document object, for as long as Apollo
 * keeps the document: every later request of the same operation reuses it. Per schema as
 * well, since types are resolved in it (a request in flight across a reload keeps its own).
 */
export function operationAnalyser(): OperationAnalyser {
  const documents = new WeakMap<DocumentNode, WeakMap<GraphQLSchema, DocumentAnalysis>>();
  return (schema, document, operation) => {
    let bySchema = documents.get(document);
    if (!bySchema) documents.set(document, (bySchema = new WeakMap()));
    let analysed = bySchema.get(schema);
    if (!analysed) bySchema.set(schema, (analysed = analyseDocument(schema, document)));
    let analysis = analysed.operations.get(operation);
    if (!analysis) {
      invariant(document.definitions.includes(operation), 'the operation is one of the document');
      analysis = analyseDefinition(schema, document, operation, analysed);
      analysed.operations.set(operation, analysis);
    }
    return analysis;
  };
}

/** One analysis, kept nowhere: for one-off readers (policy tests, explain, the benchmark). */
export function analyseOperation(
  schema: GraphQLSchema,
  document: DocumentNode,
  operation: OperationDefinitionNode,
): OperationAnalysis {
  return operationAnalyser()(schema, document, operation);
}

function analyseDefinition(
  schema: GraphQLSchema,
  document: DocumentNode,
  operation: OperationDefinitionNode,
  analysed: DocumentAnalysis,
): OperationAnalysis {
  const abstract = { found: analysed.abstractFragments };
  const selectionSet = analyseSet(
    schema,
    operation.selectionSet,
    schema.getRootType(operation.operation) ?? undefined,
    abstract,
  );
  return Object.freeze({
    schema,
    document,
    operation,
    selectionSet,
    fragments: analysed.fragments,
    introspection: introspectionOf(selectionSet, analysed.fragments),
    abstractSelections: abstract.found,
  });
}

function analyseDocument(schema: GraphQLSchema, document: DocumentNode): DocumentAnalysis {
  const abstract = { found: false };
  const fragments = new Map<string, AnalysedFragment>();
  for (const definition of document.definitions) {
    if (definition.kind !== Kind.FRAGMENT_DEFINITION || fragments.has(definition.name.value)) continue;
    fragments.set(definition.name.value, analyseFragment(schema, definition, abstract));
  }
  return { fragments, abstractFragments: abstract.found, operations: new Map() };
}

function analyseFragment(
  schema: GraphQLSchema,
  node: FragmentDefinitionNode,
  abstract: { found: boolean },
): AnalysedFragment {
  const typeCondition = node.typeCondition.name.value;
  return {
    name: node.name.value,
    node,
    typeCondition,
    selectionSet: analyseSet(schema, node.selectionSet, compositeType(schema, typeCondition), abstract),
  };
}

/** A selection set on `type`, resolved as graphql-js `TypeInfo` resolves it. */
function analyseSet(
  schema: GraphQLSchema,
  node: SelectionSetNode,
  type: GraphQLCompositeType | undefined,
  abstract: { found: boolean },
): AnalysedSelectionSet {
  if (isAbstractType(type)) abstract.found = true;
  const selections = node.selections.map((selection): AnalysedSelection => {
    switch (selection.kind) {
      case Kind.FIELD: {
        const name = selection.name.value;
        const definition = type && fieldDefinition(schema, type, name);
        const named = definition && getNamedType(definition.type);
        return {
          kind: 'field',
          node: selection,
          name,
          responseKey: selection.alias?.value ?? name,
          coordinate: type && `${type.name}.${name}`,
          meta: name.startsWith('__'),
          definition,
          selectionSet:
            selection.selectionSet &&
            analyseSet(
              schema,
              selection.selectionSet,
              named && isCompositeType(named) ? named : undefined,
              abstract,
            ),
        };
      }
      case Kind.INLINE_FRAGMENT: {
        const typeCondition = selection.typeCondition?.name.value;
        return {
          kind: 'inline',
          node: selection,
          typeCondition,
          selectionSet: analyseSet(
            schema,
            selection.selectionSet,
            typeCondition === undefined ? type : compositeType(schema, typeCondition),
            abstract,
          ),
        };
      }
      case Kind.FRAGMENT_SPREAD:
        return { kind: 'spread', node: selection, name: selection.name.value };
    }
  });
  return { node, type, selections };
}

function compositeType(schema: GraphQLSchema, name: string): GraphQLCompositeType | undefined {
  const type = schema.getType(name);
  return type && isCompositeType(type) ? type : undefined;
}

/** graphql-js `TypeInfo`'s field lookup: the meta fields where they may be selected, else the type's own. */
function fieldDefinition(
  schema: GraphQLSchema,
  parent: GraphQLCompositeType,
  name: string,
): GraphQLField<unknown, unknown> | undefined {
  if (name === SchemaMetaFieldDef.name && schema.getQueryType() === parent) return SchemaMetaFieldDef;
  if (name === TypeMetaFieldDef.name && schema.getQueryType() === parent) return TypeMetaFieldDef;
  if (name === TypeNameMetaFieldDef.name) return TypeNameMetaFieldDef;
  return isObjectType(parent) || isInterfaceType(parent) ? parent.getFields()[name] : undefined;
}

/** Root fields through fragments: `__schema`/`__type` make introspection, anything but `__typename` data. */
function introspectionOf(
  root: AnalysedSelectionSet,
  fragments: ReadonlyMap<string, AnalysedFragment>,
): IntrospectionKind {
  let introspection = false;
  let data = false;
  const seen = new Set<string>();
  const scan = (set: AnalysedSelectionSet) => {
    for (const selection of set.selections) {
      if (selection.kind === 'field') {
        if (selection.name === '__schema' || selection.name === '__type') introspection = true;
        else if (selection.name !== '__typename') data = true;
      } else if (selection.kind === 'inline') scan(selection.selectionSet);
      else if (!seen.has(selection.name)) {
        seen.add(selection.name);
        const fragment = fragments.get(selection.name);
        if (fragment) scan(fragment.selectionSet);
      }
    }
  };
  scan(root);
  return !introspection ? 'none' : data ? 'mixed' : 'only';
}

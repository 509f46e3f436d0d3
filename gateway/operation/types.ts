import type {
  DocumentNode,
  FieldNode,
  FragmentDefinitionNode,
  FragmentSpreadNode,
  GraphQLCompositeType,
  GraphQLField,
  GraphQLSchema,
  InlineFragmentNode,
  OperationDefinitionNode,
  SelectionSetNode,
} from 'graphql';

/**
 * One operation of a document, read once against the API schema: every selection with the
 * type it is made on, so each field has its schema coordinate (`Type.field`), and every
 * fragment of the document resolved by name. The policy stage decides on it and rewrites
 * from it, the lineage stage records from it; neither walks the document on its own.
 *
 * It mirrors the document: a fragment is analysed once, where it is defined, and a spread
 * names it (`fragments`), so the analysis stays as small as the document however often a
 * fragment is spread. Built from the AST and the schema only, never from variable values.
 */
export interface OperationAnalysis {
  /** The schema the types were resolved in (the API schema the gateway serves). */
  readonly schema: GraphQLSchema;
  readonly document: DocumentNode;
  readonly operation: OperationDefinitionNode;
  /** The operation's selections, on its root type. */
  readonly selectionSet: AnalysedSelectionSet;
  /**
   * Every fragment definition of the document, by name, in document order: the ones this
   * operation spreads and, in a document of several operations, the others' too.
   */
  readonly fragments: ReadonlyMap<string, AnalysedFragment>;
  /** Whether the operation reads `__schema`/`__type` at its root: not, only those, or mixed with data. */
  readonly introspection: IntrospectionKind;
  /** Whether a selection set of the operation or of a fragment is on an interface or a union. */
  readonly abstractSelections: boolean;
}

export type IntrospectionKind = 'none' | 'only' | 'mixed';

export interface AnalysedSelectionSet {
  readonly node: SelectionSetNode;
  /**
   * The type the selections are made on (graphql-js `TypeInfo`'s parent type): a field's
   * named type, a fragment's type condition. Undefined only where the document does not fit
   * the schema, which validation reports before anything runs.
   */
  readonly type: GraphQLCompositeType | undefined;
  readonly selections: readonly AnalysedSelection[];
}

export type AnalysedSelection = SelectedField | SelectedInlineFragment | SelectedFragmentSpread;

export interface SelectedField {
  readonly kind: 'field';
  readonly node: FieldNode;
  readonly name: string;
  /** The alias, else the name. */
  readonly responseKey: string;
  /**
   * `Type.field`, on the type the field is selected on (through an interface, the
   * interface's). Undefined when that type is unknown (see `AnalysedSelectionSet.type`).
   */
  readonly coordinate: string | undefined;
  /** `__typename`, `__schema`, `__type`: introspection, no data product's field. */
  readonly meta: boolean;
  /** The field's definition (the meta fields' too); undefined when the schema has no such field. */
  readonly definition: GraphQLField<unknown, unknown> | undefined;
  readonly selectionSet: AnalysedSelectionSet | undefined;
}

export interface SelectedInlineFragment {
  readonly kind: 'inline';
  readonly node: InlineFragmentNode;
  /** The type condition's name; undefined for `... @include(if: $x) { … }`. */
  readonly typeCondition: string | undefined;
  readonly selectionSet: AnalysedSelectionSet;
}

export interface SelectedFragmentSpread {
  readonly kind: 'spread';
  readonly node: FragmentSpreadNode;
  /** The fragment's name: `OperationAnalysis.fragments` holds it (absent in an invalid document). */
  readonly name: string;
}

export interface AnalysedFragment {
  readonly name: string;
  readonly node: FragmentDefinitionNode;
  readonly typeCondition: string;
  readonly selectionSet: AnalysedSelectionSet;
}

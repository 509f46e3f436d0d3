import {
  Kind,
  buildSchema,
  parse,
  type DocumentNode,
  type GraphQLSchema,
  type OperationDefinitionNode,
} from 'graphql';
import { beforeAll, describe, expect, it } from 'vitest';
import { readSupergraphFile } from '../supergraph/read-supergraph-file.js';
import { supergraphModel } from '../supergraph/supergraph-model.js';
import { analyseOperation, operationAnalyser } from './operation-analysis.js';
import type { AnalysedSelectionSet, OperationAnalysis } from './types.js';

let schema: GraphQLSchema;
beforeAll(() => {
  schema = supergraphModel(readSupergraphFile('schema/supergraph.graphql')).apiSchema;
});

const operationOf = (document: DocumentNode, name?: string): OperationDefinitionNode =>
  document.definitions.find(
    (d): d is OperationDefinitionNode =>
      d.kind === Kind.OPERATION_DEFINITION && (name === undefined || d.name?.value === name),
  )!;
const analyse = (query: string, on: GraphQLSchema = schema): OperationAnalysis => {
  const document = parse(query);
  return analyseOperation(on, document, operationOf(document));
};

/** Every field as `responseKey=coordinate`, the document's nesting flattened, fragments where defined. */
function fieldsOf(set: AnalysedSelectionSet, into: string[] = []): string[] {
  for (const s of set.selections) {
    if (s.kind === 'field') {
      into.push(`${s.responseKey}=${s.coordinate ?? '?'}`);
      if (s.selectionSet) fieldsOf(s.selectionSet, into);
    } else if (s.kind === 'inline') fieldsOf(s.selectionSet, into);
    else into.push(`...${s.name}`);
  }
  return into;
}

describe('analyseOperation', () => {
  it('gives every field its schema coordinate, through aliases and inline and named fragments', () => {
    const analysis = analyse(`query Q($id: ID!) {
      c: customer(id: $id) { who: name ...Contact ... on Customer { tel: phone } ... { country } }
    }
    fragment Contact on Customer { mail: email orders(first: 1) { edges { node { id } } } }`);
    expect(analysis.selectionSet.type?.name).toBe('Query');
    expect(fieldsOf(analysis.selectionSet)).toEqual([
      'c=Query.customer',
      'who=Customer.name',
      '...Contact',
      'tel=Customer.phone',
      'country=Customer.country',
    ]);
    const contact = analysis.fragments.get('Contact')!;
    expect(contact.typeCondition).toBe('Customer');
    expect(fieldsOf(contact.selectionSet)).toEqual([
      'mail=Customer.email',
      'orders=Customer.orders',
      'edges=OrderConnection.edges',
      'node=OrderEdge.node',
      'id=Order.id',
    ]);
    const [customer] = analysis.selectionSet.selections;
    expect(customer).toMatchObject({ kind: 'field', name: 'customer', meta: false });
    expect(customer?.kind === 'field' && String(customer.definition?.type)).toBe('Customer');
  });

  it('resolves each fragment once, where it is defined, however often it is spread', () => {
    const analysis = analyse(`{
      a: customer(id: "1") { ...Name }
      b: customer(id: "2") { ...Name }
    }
    fragment Name on Customer { name }`);
    const spreads = analysis.selectionSet.selections.flatMap((s) =>
      s.kind === 'field' ? (s.selectionSet?.selections ?? []) : [],
    );
    expect(spreads.map((s) => s.kind === 'spread' && s.name)).toEqual(['Name', 'Name']);
    expect([...analysis.fragments.keys()]).toEqual(['Name']);
  });

  it('marks the meta fields and types what lies beneath them as TypeInfo does', () => {
    const analysis = analyse('{ __typename __type(name: "Customer") { name fields { name } } }');
    const [typename, type] = analysis.selectionSet.selections;
    expect(typename).toMatchObject({ kind: 'field', meta: true, coordinate: 'Query.__typename' });
    expect(type).toMatchObject({ kind: 'field', meta: true });
    expect(type?.kind === 'field' && type.selectionSet?.type?.name).toBe('__Type');
    expect(fieldsOf(analysis.selectionSet)).toEqual([
      '__typename=Query.__typename',
      '__type=Query.__type',
      'name=__Type.name',
      'fields=__Type.fields',
      'name=__Field.name',
    ]);
  });

  it('tells introspection apart: none, only, or mixed with data (also through fragments)', () => {
    expect(analyse('{ customer(id: "1") { name } }').introspection).toBe('none');
    expect(analyse('{ __typename }').introspection).toBe('none');
    expect(analyse('{ __schema { queryType { name } } __typename }').introspection).toBe('only');
    expect(analyse('{ ...T } fragment T on Query { __type(name: "Order") { name } }').introspection).toBe(
      'only',
    );
    expect(analyse('{ __schema { queryType { name } } customer(id: "1") { id } }').introspection).toBe(
      'mixed',
    );
    expect(
      analyse(
        '{ ... on Query { __type(name: "Order") { name } } ...D } fragment D on Query { order(id: "1") { id } }',
      ).introspection,
    ).toBe('mixed');
  });

  it('notes selection sets on abstract types, in the operation or in a fragment', () => {
    const abstract = buildSchema(`
      interface Node { id: ID! }
      type A implements Node { id: ID! a: String }
      union U = A
      type Query { node: Node a: A u: U }
    `);
    expect(analyse('{ a { id a } }', abstract).abstractSelections).toBe(false);
    expect(analyse('{ node { id ... on A { a } } }', abstract).abstractSelections).toBe(true);
    expect(analyse('{ a { ...F } } fragment F on Node { id }', abstract).abstractSelections).toBe(true);
    const union = analyse('{ u { ... on A { a } } }', abstract);
    const [u] = union.selectionSet.selections;
    expect(u?.kind === 'field' && u.selectionSet?.type?.name).toBe('U');
  });

  it('is computed once per (document, operation, schema) by one analyser, kept on the document', () => {
    const analyser = operationAnalyser();
    const document = parse(`
      query One { customer(id: "1") { ...N } }
      query Two { order(id: "2") { customer { ...N } } }
      fragment N on Customer { name }`);
    const one = analyser(schema, document, operationOf(document, 'One'));
    expect(analyser(schema, document, operationOf(document, 'One'))).toBe(one);
    const two = analyser(schema, document, operationOf(document, 'Two'));
    expect(two).not.toBe(one);
    expect(two.operation.name?.value).toBe('Two');
    // The document's fragments are resolved once, for all its operations.
    expect(two.fragments).toBe(one.fragments);
    // Another parse of the same text is another document; another schema resolves anew.
    const again = parse(document.loc!.source.body);
    expect(analyser(schema, again, operationOf(again, 'One'))).not.toBe(one);
    const other = buildSchema('type Customer { name: String } type Query { customer(id: ID): Customer }');
    expect(analyser(other, document, operationOf(document, 'One'))).not.toBe(one);
  });

  it('keeps nothing between analysers: a second pipeline analyses anew', () => {
    const document = parse('{ customer(id: "1") { name } }');
    const first = operationAnalyser()(schema, document, operationOf(document));
    expect(operationAnalyser()(schema, document, operationOf(document))).not.toBe(first);
    expect(analyseOperation(schema, document, operationOf(document))).toEqual(first);
  });

  it("refuses an operation that is not the document's", () => {
    const document = parse('{ customer(id: "1") { name } }');
    const stranger = operationOf(parse('{ order(id: "1") { id } }'));
    expect(() => analyseOperation(schema, document, stranger)).toThrow(/Invariant violated/);
  });

  it('leaves types unknown where the document does not fit the schema (validation reports it)', () => {
    const analysis = analyse('{ customer(id: "1") { nope { name } ... on Nowhere { id } } }');
    const [customer] = analysis.selectionSet.selections;
    const [nope, nowhere] = customer?.kind === 'field' ? customer.selectionSet!.selections : [];
    expect(nope).toMatchObject({ kind: 'field', coordinate: 'Customer.nope', definition: undefined });
    expect(nope?.kind === 'field' && nope.selectionSet?.type).toBeUndefined();
    expect(nowhere?.kind === 'inline' && nowhere.selectionSet.type).toBeUndefined();
  });
});

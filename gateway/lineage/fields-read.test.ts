import { Kind, parse, type GraphQLSchema, type OperationDefinitionNode } from 'graphql';
import { beforeAll, describe, expect, it } from 'vitest';
import { analyseOperation } from '../operation/operation-analysis.js';
import { readSupergraphFile } from '../supergraph/read-supergraph-file.js';
import { supergraphModel, type Ownership } from '../supergraph/supergraph-model.js';
import { fieldsRead } from './fields-read.js';

let schema: GraphQLSchema;
let ownership: Ownership;
beforeAll(() => {
  const model = supergraphModel(readSupergraphFile('schema/supergraph.graphql'));
  schema = model.apiSchema;
  ownership = model.ownership;
});

const analysisOf = (query: string) => {
  const document = parse(query);
  const operation = document.definitions.find(
    (d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION,
  )!;
  return analyseOperation(schema, document, operation);
};
const readsOf = (query: string) =>
  fieldsRead(analysisOf(query), ownership).map((r) => [r.path, r.coordinate, r.product, r.type]);

describe('fieldsRead', () => {
  it("records each field read with its path, coordinate, product and type (test/lineage.test.ts's query)", () => {
    expect(
      readsOf(`query CustomerOrder($id: ID!) {
        order(id: $id) {
          id
          customer { name email phone }
          payments { method amount { amount } }
        }
      }`),
    ).toEqual([
      ['order', 'Query.order', 'orders', 'Order'],
      ['order.id', 'Order.id', 'orders', 'ID!'],
      ['order.customer', 'Order.customer', 'orders', 'Customer'],
      ['order.customer.name', 'Customer.name', 'customers', 'String!'],
      ['order.customer.email', 'Customer.email', 'customers', 'String!'],
      ['order.customer.phone', 'Customer.phone', 'customers', 'String'],
      ['order.payments', 'Order.payments', 'payments', '[Payment!]'],
      ['order.payments.method', 'Payment.method', 'payments', 'PaymentMethod!'],
      ['order.payments.amount', 'Payment.amount', 'payments', 'Money!'],
      ['order.payments.amount.amount', 'Money.amount', 'payments', 'Float!'],
    ]);
  });

  it('expands a fragment at every path it is spread at, each with the product serving it there', () => {
    expect(
      readsOf(`{
        order(id: "1") { total { ...M } payments { amount { ...M } } }
      }
      fragment M on Money { amount }`),
    ).toEqual([
      ['order', 'Query.order', 'orders', 'Order'],
      ['order.total', 'Order.total', 'orders', 'Money!'],
      ['order.total.amount', 'Money.amount', 'orders', 'Float!'],
      ['order.payments', 'Order.payments', 'payments', '[Payment!]'],
      ['order.payments.amount', 'Payment.amount', 'payments', 'Money!'],
      ['order.payments.amount.amount', 'Money.amount', 'payments', 'Float!'],
    ]);
  });

  it('uses aliases in paths, records a path once, and reads no product for introspection', () => {
    expect(
      readsOf(`{
        __typename
        c: customer(id: "1") { n: name ... on Customer { n: name } __typename }
      }`),
    ).toEqual([
      ['c', 'Query.customer', 'customers', 'Customer'],
      ['c.n', 'Customer.name', 'customers', 'String!'],
    ]);
    expect(readsOf('{ __type(name: "Customer") { name fields { name } } }')).toEqual([]);
  });

  it('is one array per operation (and ownership): the events of an operation share it', () => {
    const analysis = analysisOf('{ customer(id: "1") { name } }');
    const reads = fieldsRead(analysis, ownership);
    expect(fieldsRead(analysis, ownership)).toBe(reads);
    const elsewhere: Ownership = { owners: () => ['elsewhere'] };
    expect(fieldsRead(analysis, elsewhere).map((r) => r.product)).toEqual(['elsewhere', 'elsewhere']);
  });
});

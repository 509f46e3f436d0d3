import { Ajv2020 } from 'ajv/dist/2020.js';
import { buildSchema, getOperationAST, parse } from 'graphql';
import { describe, expect, it } from 'vitest';
import { variablesSchema } from './variables-schema.js';

const schema = buildSchema(`
  "A segment of customers."
  enum Segment { RETAIL SMB }
  input Filter { country: String, segment: Segment = RETAIL, and: [Filter!], ids: [ID!]! }
  type Query { customers(first: Int, filter: Filter, at: Float, open: Boolean): [String] }
`);

function schemaOf(operation: string) {
  return variablesSchema(schema, getOperationAST(parse(operation))!);
}

describe('variablesSchema', () => {
  it('makes one property per variable: required when non-null without a default, defaults kept', () => {
    expect(
      schemaOf(
        'query Q($first: Int! = 10, $at: Float!, $open: Boolean) { customers(first: $first, at: $at, open: $open) }',
      ),
    ).toEqual({
      type: 'object',
      properties: {
        first: { type: 'integer', minimum: -2147483648, maximum: 2147483647, default: 10 },
        at: { type: 'number' },
        open: { type: ['boolean', 'null'] },
      },
      required: ['at'],
      additionalProperties: false,
    });
  });

  it('puts input objects in $defs, so a recursive filter stays finite, and enums keep their values', () => {
    const result = schemaOf('query Q($filter: Filter) { customers(filter: $filter) }');
    expect(result.properties).toEqual({ filter: { anyOf: [{ $ref: '#/$defs/Filter' }, { type: 'null' }] } });
    expect(result.$defs).toEqual({
      Filter: {
        type: 'object',
        properties: {
          country: { type: ['string', 'null'] },
          segment: {
            type: ['string', 'null'],
            enum: ['RETAIL', 'SMB', null],
            description: 'A segment of customers.',
            default: 'RETAIL',
          },
          and: { type: ['array', 'null'], items: { $ref: '#/$defs/Filter' } },
          ids: { type: 'array', items: { type: ['string', 'integer'] } },
        },
        required: ['ids'],
        additionalProperties: false,
      },
    });
  });

  it('validates arguments as GraphQL would coerce them', () => {
    const validate = new Ajv2020({ strict: false }).compile(
      schemaOf('query Q($filter: Filter, $first: Int) { customers(filter: $filter, first: $first) }'),
    );
    expect(validate({ filter: { ids: ['1', 2], and: [{ ids: [] }] }, first: 3 })).toBe(true);
    expect(validate({ filter: { country: 'DE' } })).toBe(false); // ids is required
    expect(validate({ first: 1.5 })).toBe(false);
    expect(validate({ filter: { ids: [], segment: 'ENTERPRISE' } })).toBe(false);
    expect(validate({ other: 1 })).toBe(false);
  });
});

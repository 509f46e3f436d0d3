import { parse, print } from 'graphql';
import { describe, expect, it } from 'vitest';
import { ErrorCode } from '../common/errors.js';
import { splitOperation } from './split-operation.js';

const compact = (query: string) => print(parse(query));

const ORDER = `query Order {
  order(id: "22") {
    id
    customer { name }
    ... @defer(label: "money") { payments { method } }
    ...Shipping @defer
  }
}
fragment Shipping on Order { shipments { carrier } }`;

describe('splitOperation', () => {
  it('splits into the initial part and one part per deferred fragment, @defer removed', () => {
    const split = splitOperation(parse(ORDER), undefined);
    expect(split?.initial).toBe(compact(`query Order { order(id: "22") { id customer { name } } }`));
    expect(split?.deferred.map(({ label, path, keys }) => ({ label, path, keys }))).toEqual([
      { label: 'money', path: ['order'], keys: ['payments'] },
      { label: undefined, path: ['order'], keys: ['shipments'] },
    ]);
    expect(split?.deferred[0]?.query).toBe(
      compact(`query Order { order(id: "22") { id customer { name } ... { payments { method } } } }`),
    );
    expect(split?.deferred[1]?.query).toBe(
      compact(`query Order { order(id: "22") { id customer { name } ...Shipping } }
        fragment Shipping on Order { shipments { carrier } }`),
    );
    expect(print(split!.stripped)).toBe(compact(ORDER.replace(/ @defer(\(label: "money"\))?/g, '')));
  });

  it('keeps a fragment whose `if` is false in the initial part, and reads `if` from variables', () => {
    const query = `query Q($later: Boolean!) { order(id: "1") { id ... @defer(if: $later) { status } ... @defer(if: false) { total { amount } } } }`;
    const eager = splitOperation(parse(query), 'Q', { later: false });
    expect(eager?.deferred).toEqual([]);
    expect(eager?.initial).toBe(
      compact(`query Q($later: Boolean!) { order(id: "1") { id ... { status } ... { total { amount } } } }`),
    );
    expect(splitOperation(parse(query), 'Q', { later: true })?.deferred.map((part) => part.keys)).toEqual([
      ['status'],
    ]);
  });

  it('asks for __typename where removing a fragment empties a selection set', () => {
    const split = splitOperation(
      parse(`{ order(id: "1") { customer { ... @defer { email } } } }`),
      undefined,
    );
    expect(split?.initial).toBe(compact(`{ order(id: "1") { customer { __typename } } }`));
    expect(split?.deferred[0]?.path).toEqual(['order', 'customer']);
  });

  it('splits a @defer nested in a deferred fragment: its part keeps the enclosing fragment', () => {
    const split = splitOperation(
      parse(
        `{ order(id: "1") { id ... @defer(label: "a") { status customer { ... @defer(label: "b") { name } } } } }`,
      ),
      undefined,
    );
    expect(split?.initial).toBe(compact(`{ order(id: "1") { id } }`));
    expect(split?.deferred.map(({ label, path, keys, query }) => ({ label, path, keys, query }))).toEqual([
      {
        label: 'a',
        path: ['order'],
        keys: ['status', 'customer'],
        query: compact(`{ order(id: "1") { id ... { status customer { __typename } } } }`),
      },
      {
        label: 'b',
        path: ['order', 'customer'],
        keys: ['name'],
        query: compact(`{ order(id: "1") { id ... { status customer { ... { name } } } } }`),
      },
    ]);
  });

  it('inlines a named fragment that uses @defer, so that its @defer has one place in the response', () => {
    const split = splitOperation(
      parse(`{ order(id: "1") { id ...F } } fragment F on Order { status ... @defer { total { amount } } }`),
      undefined,
    );
    expect(split?.initial).toBe(compact(`{ order(id: "1") { id ... on Order { status } } }`));
    expect(split?.deferred.map((part) => [part.path, part.keys, part.query])).toEqual([
      [
        ['order'],
        ['total'],
        compact(`{ order(id: "1") { id ... on Order { status ... { total { amount } } } } }`),
      ],
    ]);
  });

  it('returns null without @defer', () => {
    expect(splitOperation(parse(`{ order(id: "1") { id } }`), undefined)).toBeNull();
  });

  it.each([
    [`mutation M { cancel(id: "1") { ... @defer { id } } }`, 'queries only'],
    [`{ order(id: "1") { id @defer } }`, 'cannot apply to the field "id"'],
    [
      `query Q($x: Boolean) { order(id: "1") { ... @defer(if: $x) { id } } }`,
      'needs a Boolean variable, got null',
    ],
    [`{ order(id: "1") { ... @defer(if: "yes") { id } } }`, 'takes a Boolean'],
    [`{ order(id: "1") { ... @defer(label: 3) { id } } }`, 'takes a String'],
  ])('refuses %s with DEFER_INVALID', (query, message) => {
    let caught: unknown;
    try {
      splitOperation(parse(query), query.startsWith('query Q') ? 'Q' : undefined);
    } catch (error) {
      caught = error;
    }
    expect(caught).toMatchObject({ extensions: { code: ErrorCode.DEFER_INVALID } });
    expect((caught as Error).message).toContain(message);
  });
});

import { BadUserInputError } from '../../gateway/common/errors.js';

/**
 * Cursor connections as in the GraphQL Cursor Connections Specification
 * (https://relay.dev/graphql/connections.htm): keyset pagination on each list's primary key,
 * so page N costs the same as page 1 and rows inserted meanwhile never shift a page.
 */

export const DEFAULT_PAGE_SIZE = 20;
export const MAX_PAGE_SIZE = 100;

export interface PageArgs {
  first?: number | null | undefined;
  after?: string | null | undefined;
}

/** A validated page request: `limit` rows after the row whose key is `afterKey`. */
export interface Page {
  limit: number;
  afterKey: string | null;
}

export interface Connection<Node> {
  edges: { cursor: string; node: Node }[];
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
  /** Resolved only when selected: counting costs a statement. */
  totalCount: () => Promise<number>;
}

const CURSOR_PREFIX = 'k:';

export function encodeCursor(key: string | number): string {
  return Buffer.from(CURSOR_PREFIX + String(key), 'utf8').toString('base64url');
}

export function decodeCursor(cursor: string): string {
  const decoded = Buffer.from(cursor, 'base64url').toString('utf8');
  if (!decoded.startsWith(CURSOR_PREFIX) || decoded.length === CURSOR_PREFIX.length) {
    throw new BadUserInputError(
      `"after" is not a cursor this API issued: ${JSON.stringify(cursor)}`,
      'after',
    );
  }
  return decoded.slice(CURSOR_PREFIX.length);
}

export function parsePage(args: PageArgs): Page {
  const limit = args.first ?? DEFAULT_PAGE_SIZE;
  if (!Number.isInteger(limit) || limit < 0 || limit > MAX_PAGE_SIZE) {
    throw new BadUserInputError(
      `"first" must be an integer from 0 to ${MAX_PAGE_SIZE}, got ${limit}`,
      'first',
    );
  }
  return { limit, afterKey: args.after ? decodeCursor(args.after) : null };
}

/**
 * Builds a connection from rows fetched with `LIMIT page.limit + 1`: the extra row only says
 * whether a next page exists.
 */
export function toConnection<Row, Node = Row>(
  rows: readonly Row[],
  page: Page,
  keyOf: (row: Row) => string | number,
  totalCount: () => Promise<number>,
  toNode: (row: Row) => Node = (row) => row as unknown as Node,
): Connection<Node> {
  const pageRows = rows.slice(0, page.limit);
  const edges = pageRows.map((row) => ({ cursor: encodeCursor(keyOf(row)), node: toNode(row) }));
  return {
    edges,
    pageInfo: { hasNextPage: rows.length > page.limit, endCursor: edges.at(-1)?.cursor ?? null },
    totalCount,
  };
}

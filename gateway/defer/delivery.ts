import type { DeferredPart } from './split-operation.js';

/** A GraphQL result as the pipeline answered one part (parsed JSON). */
export interface PartResult {
  readonly data?: Record<string, unknown> | null;
  readonly errors?: readonly GraphQLErrorJson[];
  readonly extensions?: Record<string, unknown>;
}

export interface GraphQLErrorJson {
  readonly message: string;
  readonly path?: readonly (string | number)[];
  readonly extensions?: Record<string, unknown>;
}

/** One entry of `incremental` in the deferSpec=20220824 format Apollo Client's Defer20220824Handler reads. */
export interface IncrementalEntry {
  readonly path: readonly (string | number)[];
  readonly data: Record<string, unknown> | null;
  readonly label?: string;
  readonly errors?: readonly GraphQLErrorJson[];
}

/**
 * The concrete response paths of a fragment's parent: one per list element when the path
 * crosses a list (the spec delivers a fragment under a list once per element), none where a
 * value on the way is null (nothing to defer into).
 */
export function concretePaths(data: unknown, path: readonly string[]): (string | number)[][] {
  type Located = { at: (string | number)[]; value: unknown };
  let current: Located[] = [{ at: [], value: data }];
  const expand = (entries: Located[]): Located[] =>
    entries.flatMap((entry) =>
      Array.isArray(entry.value)
        ? expand(entry.value.map((value: unknown, index) => ({ at: [...entry.at, index], value })))
        : [entry],
    );
  for (const key of path) {
    current = expand(current).flatMap(({ at, value }) =>
      value !== null && typeof value === 'object'
        ? [{ at: [...at, key], value: (value as Record<string, unknown>)[key] }]
        : [],
    );
  }
  return expand(current)
    .filter(({ value }) => value !== null && typeof value === 'object')
    .map(({ at }) => at);
}

/**
 * The incremental entries of one deferred part: its fragment's keys at each concrete path of
 * its own answer, and the errors only this part raised (those the initial part shares are
 * already delivered), each inside the entry whose path it falls under.
 */
export function incrementalEntries(
  part: DeferredPart,
  result: PartResult,
  initial: PartResult,
): IncrementalEntry[] {
  const data = result.data ?? null;
  const seen = new Set((initial.errors ?? []).map(errorKey));
  const errors = (result.errors ?? []).filter((error) => !seen.has(errorKey(error)));
  const label = part.label === undefined ? {} : { label: part.label };
  const entries = concretePaths(data, part.path).map((path) => {
    const value = valueAt(data, path) as Record<string, unknown>;
    return {
      path,
      data: Object.fromEntries(part.keys.filter((key) => key in value).map((key) => [key, value[key]])),
    };
  });
  if (entries.length === 0)
    return errors.length > 0 ? [{ path: [...part.path], data: null, ...label, errors }] : [];
  const errorsOf = new Map<number, GraphQLErrorJson[]>();
  for (const error of errors) {
    const index = Math.max(
      0,
      entries.findIndex((entry) => isPrefix(entry.path, error.path ?? [])),
    );
    errorsOf.set(index, [...(errorsOf.get(index) ?? []), error]);
  }
  return entries.map((entry, index) => {
    const own = errorsOf.get(index);
    return { ...entry, ...label, ...(own ? { errors: own } : {}) };
  });
}

function valueAt(data: unknown, path: readonly (string | number)[]): unknown {
  let value = data;
  for (const key of path) value = (value as Record<string | number, unknown>)[key];
  return value;
}

function isPrefix(prefix: readonly (string | number)[], path: readonly (string | number)[]): boolean {
  return prefix.length <= path.length && prefix.every((key, index) => path[index] === key);
}

function errorKey(error: GraphQLErrorJson): string {
  return JSON.stringify([error.message, error.path ?? null]);
}

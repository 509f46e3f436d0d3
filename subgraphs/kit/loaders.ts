import DataLoader from 'dataloader';

/**
 * Per-request batch loaders. Each request builds its own, so one request's cache never
 * answers another's. Every load of a request's tick becomes one SQL statement with
 * `WHERE key = ANY($1)`: never one statement per parent.
 */

/** One row (or null) per key. */
export function rowLoader<Row>(
  fetch: (keys: readonly string[]) => Promise<Row[]>,
  keyOf: (row: Row) => string | number,
): DataLoader<string, Row | null> {
  return new DataLoader(async (keys) => {
    const byKey = new Map((await fetch(keys)).map((row) => [String(keyOf(row)), row]));
    return keys.map((key) => byKey.get(key) ?? null);
  });
}

/** All rows per key (one-to-many), in the order the statement returned them. */
export function groupLoader<Row>(
  fetch: (keys: readonly string[]) => Promise<Row[]>,
  keyOf: (row: Row) => string | number,
): DataLoader<string, Row[]> {
  return new DataLoader(async (keys) => {
    const groups = new Map<string, Row[]>(keys.map((key) => [key, []]));
    for (const row of await fetch(keys)) groups.get(String(keyOf(row)))?.push(row);
    return keys.map((key) => groups.get(key) ?? []);
  });
}

/**
 * Loaders keyed additionally by arguments, for relations a client pages and filters
 * (`Customer.orders(first:, filter:)`): parents asking with the same arguments share one
 * batch; each distinct argument set costs one statement.
 */
export class LoadersByArgs<Args, Value> {
  readonly #loaders = new Map<string, DataLoader<string, Value>>();

  constructor(private readonly create: (args: Args) => DataLoader<string, Value>) {}

  load(key: string, args: Args): Promise<Value> {
    const argsKey = JSON.stringify(args);
    let loader = this.#loaders.get(argsKey);
    if (!loader) {
      loader = this.create(args);
      this.#loaders.set(argsKey, loader);
    }
    return loader.load(key);
  }
}

/**
 * A function of an object, computed once per object and kept as long as the object lives
 * (a WeakMap). The request path leans on objects that are shared across requests — the
 * principal a cached token maps to, the document Apollo Server keeps, the reads and decisions
 * cached per operation — so what is derived from one of them is derived once. `args` are
 * read only when the value is computed: they must be fixed for a given key.
 */
export function memoByObject<K extends object, V, A extends unknown[] = []>(
  compute: (key: K, ...args: A) => V,
): (key: K, ...args: A) => V {
  const values = new WeakMap<K, V>();
  return (key, ...args) => {
    let value = values.get(key);
    if (value === undefined) {
      value = compute(key, ...args);
      values.set(key, value);
    }
    return value;
  };
}

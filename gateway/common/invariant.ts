/** Asserts an internal invariant; a failure is a meshgate bug, never a client's mistake. */
export function invariant(condition: unknown, message: string): asserts condition {
  if (!condition) throw new Error(`Invariant violated: ${message}`);
}

/** Ends an exhaustive `switch`: the compiler proves every member of the union was handled. */
export function assertNever(value: never): never {
  throw new Error(`Unhandled case: ${JSON.stringify(value)}`);
}

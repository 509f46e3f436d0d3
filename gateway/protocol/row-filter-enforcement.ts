/**
 * How a data product declares that it enforces the gateway's row filters (the `filters` claim
 * of the context token): an ODCS custom property at the root of its contract,
 *
 *     customProperties:
 *       - property: meshgate.rowFilters
 *         value: enforced
 *
 * The gateway sends a product a filter only when its contract says so; a filtered read of any
 * other product is refused (ROW_FILTER_UNENFORCEABLE), so a filter is never silently ignored
 * by a product that does not read the claim. The declaration is a promise the owning team
 * makes: that their product compiles the predicate into every read of the filtered type, and
 * refuses a request carrying a filter it cannot apply.
 */
export const ROW_FILTERS_PROPERTY = 'meshgate.rowFilters';

/** True when the contract (as parsed, the descriptor's `contract`) declares `meshgate.rowFilters: enforced`. */
export function declaresRowFilterEnforcement(
  contract: Readonly<Record<string, unknown>> | undefined,
): boolean {
  const properties = contract?.customProperties;
  if (!Array.isArray(properties)) return false;
  return properties.some(
    (entry: unknown) =>
      typeof entry === 'object' &&
      entry !== null &&
      (entry as { property?: unknown }).property === ROW_FILTERS_PROPERTY &&
      (entry as { value?: unknown }).value === 'enforced',
  );
}

import type { RowFilterClaim } from '../protocol/index.js';
import type { Principal } from '../common/types.js';
import type { CompiledRowFilter } from './row-filter.js';
import type { AppliedRowFilters, Condition } from './types.js';

const NONE: AppliedRowFilters = Object.freeze({
  claims: Object.freeze({}),
  applied: Object.freeze([]),
  fingerprint: '',
});

/**
 * The row filters of one principal: each filter rule whose condition holds, with its predicate
 * evaluated for the principal, grouped by the subgraph that enforces it. Several filters on one
 * type all apply (each narrows: a row must pass every one, as Immuta combines row policies).
 * Worked out once per principal key: the same key reads the same attributes, so it gets the
 * same predicates.
 */
export function appliedRowFilters(
  filters: readonly CompiledRowFilter[],
  conditions: ReadonlyMap<string, Condition>,
  principalKey: (principal: Principal) => string,
): (principal: Principal) => AppliedRowFilters {
  if (filters.length === 0) return () => NONE;
  const byKey = new Map<string, AppliedRowFilters>();
  const byPrincipal = new WeakMap<Principal, AppliedRowFilters>();
  return (principal) => {
    const known = byPrincipal.get(principal);
    if (known) return known;
    const key = principalKey(principal);
    let result = byKey.get(key);
    if (!result) {
      const claims: Record<string, RowFilterClaim[]> = {};
      const applied: { type: string; rule: string; subgraph: string }[] = [];
      for (const filter of filters) {
        if (conditions.get(filter.rule.id)?.(principal) !== true) continue;
        (claims[filter.subgraph] ??= []).push({
          type: filter.type,
          rule: filter.rule.id,
          where: filter.predicate(principal),
        });
        applied.push({ type: filter.type, rule: filter.rule.id, subgraph: filter.subgraph });
      }
      result =
        applied.length === 0 ? NONE : Object.freeze({ claims, applied, fingerprint: JSON.stringify(claims) });
      // Bounded: principal keys are few (roles × the attributes the rules read), but not trusted to be.
      if (byKey.size >= 10_000) byKey.clear();
      byKey.set(key, result);
    }
    byPrincipal.set(principal, result);
    return result;
  };
}

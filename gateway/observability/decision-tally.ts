import { memoByObject } from '../common/memo-by-object.js';
import type { FieldDecision } from '../common/types.js';

export interface DecisionCount {
  readonly labels: { readonly effect: FieldDecision['effect']; readonly rule: string };
  readonly count: number;
}

/**
 * The decisions of a request counted by (effect, rule). The policy stage hands every request
 * of one operation × principal key the same cached array, so each array is tallied once and
 * a request costs an increment per distinct label set, not one per field decided.
 */
export function decisionTally(): (decisions: readonly FieldDecision[]) => readonly DecisionCount[] {
  const tally = memoByObject((decisions: readonly FieldDecision[]): readonly DecisionCount[] => {
    const counts = new Map<string, { labels: DecisionCount['labels']; count: number }>();
    for (const { effect, rule } of decisions) {
      const labels = { effect, rule: rule ?? 'default' };
      const key = `${labels.effect}\u0000${labels.rule}`;
      const entry = counts.get(key);
      if (entry) entry.count++;
      else counts.set(key, { labels, count: 1 });
    }
    return [...counts.values()];
  });
  return (decisions) => (decisions.length === 0 ? [] : tally(decisions));
}

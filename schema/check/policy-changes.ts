import type { PolicyRule } from '../../gateway/policy/types.js';

/** One way a policy change weakens access, for the `weaker-access` rule. */
export interface PolicyLoosening {
  readonly rule: PolicyRule;
  readonly reason: string;
}

// A row filter restricts like a deny (of rows): removing or relaxing it weakens access.
const STRICTNESS = { deny: 2, filter: 2, mask: 1, allow: 0 } as const;

/**
 * Compares policy rules by id. Weaker: a deny or mask rule removed, its effect relaxed
 * (deny → mask → allow), its masking or condition changed, its targets narrowed; an allow
 * rule added, widened, or its condition changed. A condition change is flagged either way —
 * whether a CEL expression got looser is for a reviewer to judge.
 */
export function policyLoosenings(
  base: readonly PolicyRule[],
  proposed: readonly PolicyRule[],
): PolicyLoosening[] {
  const now = new Map(proposed.map((rule) => [rule.id, rule]));
  const before = new Map(base.map((rule) => [rule.id, rule]));
  const found: PolicyLoosening[] = [];
  for (const old of base) {
    const rule = now.get(old.id);
    if (!rule) {
      if (old.effect !== 'allow')
        found.push({ rule: old, reason: `${old.effect} rule removed (it covered ${targets(old)})` });
      continue;
    }
    if (STRICTNESS[rule.effect] < STRICTNESS[old.effect])
      found.push({ rule, reason: `effect relaxed from ${describe(old)} to ${describe(rule)}` });
    else if (rule.effect === 'mask' && old.effect === 'mask' && rule.strategy !== old.strategy)
      found.push({ rule, reason: `masking changed from ${old.strategy ?? '?'} to ${rule.strategy ?? '?'}` });
    const dropped = [
      ...missing(old.fields, rule.fields),
      ...missing(old.classifications, rule.classifications),
    ];
    const added = [
      ...missing(rule.fields, old.fields),
      ...missing(rule.classifications, old.classifications),
    ];
    if (old.effect !== 'allow' && rule.effect !== 'allow' && dropped.length)
      found.push({ rule, reason: `no longer covers ${dropped.join(', ')}` });
    if (rule.effect === 'allow' && added.length)
      found.push({ rule, reason: `now also allows ${added.join(', ')}` });
    if (
      rule.effect === 'filter' &&
      old.effect === 'filter' &&
      (rule.where !== old.where || rule.target !== old.target)
    )
      found.push({
        rule,
        reason: `row filter changed from ${old.target}: ${old.where} to ${rule.target}: ${rule.where}`,
      });
    if (rule.when !== old.when)
      found.push({
        rule,
        reason: `condition changed from ${old.when ?? '(always)'} to ${rule.when ?? '(always)'}`,
      });
  }
  for (const rule of proposed) {
    if (!before.has(rule.id) && rule.effect === 'allow')
      found.push({
        rule,
        reason: `new allow rule for ${targets(rule)}${rule.when ? ` when ${rule.when}` : ''}`,
      });
  }
  return found;
}

function describe(rule: PolicyRule): string {
  return rule.effect === 'mask' ? `mask (${rule.strategy ?? '?'})` : rule.effect;
}

function targets(rule: PolicyRule): string {
  return (
    [
      ...rule.fields,
      ...rule.classifications.map((c) => `classification ${c}`),
      ...(rule.target ? [`rows of ${rule.target}`] : []),
    ].join(', ') || '(no targets)'
  );
}

function missing(from: readonly string[], inList: readonly string[]): string[] {
  return from.filter((item) => !inList.includes(item));
}

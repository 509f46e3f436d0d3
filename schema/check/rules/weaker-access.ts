import { accessRequirements, loosenings } from '../access-requirements.js';
import { classifiedFields } from '../classifications.js';
import { finding } from '../finding.js';
import { policyLoosenings } from '../policy-changes.js';
import { policyLocation } from '../policy-location.js';
import { splitCoordinate } from '../schema-view.js';
import type { Finding } from '../types.js';
import type { StandardsRule } from './rule-context.js';

/**
 * Rule `weaker-access`: access got weaker than in the baseline — an authorization directive
 * removed or loosened, a classification tag dropped from a field that is still served, or a
 * policy rule removed or relaxed (policy-changes.ts). Flagged for governance review.
 */
export const weakerAccessRule: StandardsRule = (context) => {
  const { config, base, proposed, place, root, policyDir } = context;
  const findings: Finding[] = [];
  const before = accessRequirements(base, config.authDirectives);
  const after = accessRequirements(proposed, config.authDirectives);
  for (const [coordinate, requirement] of before) {
    if (!proposed.has(coordinate)) continue; // a removal is a breaking change, not weaker access
    for (const reason of loosenings(requirement, after.get(coordinate))) {
      findings.push(
        ...finding(
          config,
          'weaker-access',
          `${coordinate}: ${reason} — needs governance review`,
          coordinate,
          place(coordinate, proposed),
        ),
      );
    }
  }
  // SDL tags only: descriptors have no baseline to compare with.
  const classifiedBefore = classifiedFields(base, [], config);
  const classifiedAfter = classifiedFields(proposed, [], config);
  for (const [coordinate, classes] of classifiedBefore) {
    if (!proposed.has(coordinate)) continue;
    const dropped = [...classes].filter((c) => !classifiedAfter.get(coordinate)?.has(c));
    if (dropped.length)
      findings.push(
        ...finding(
          config,
          'weaker-access',
          `${coordinate}: classification ${dropped.join(', ')} removed — policies keyed by it no longer apply; needs governance review`,
          coordinate,
          place(coordinate, proposed),
        ),
      );
  }
  if (context.basePolicies) {
    for (const { rule, reason } of policyLoosenings(context.basePolicies, context.policies)) {
      const owner = rule.fields
        .map((f) => place(splitCoordinate(f).type, proposed))
        .find((p) => p.domains.length > 0);
      const placement = {
        subgraphs: owner?.subgraphs ?? [],
        domains: owner?.domains ?? [],
        location: policyLocation(root, policyDir, rule),
      };
      findings.push(
        ...finding(
          config,
          'weaker-access',
          `policy rule "${rule.id}" (${rule.file}): ${reason} — needs governance review`,
          rule.fields[0] ?? null,
          placement,
        ),
      );
    }
  }
  return findings;
};

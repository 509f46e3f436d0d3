import { finding } from '../finding.js';
import { policyLocation } from '../policy-location.js';
import { splitCoordinate } from '../schema-view.js';
import type { Finding } from '../types.js';
import type { StandardsRule } from './rule-context.js';

/**
 * Rule `policy-targets-exist`: every coordinate a policy rule names (`Type.field`, `Type.*`)
 * exists in the proposed API schema — a rule on a renamed or removed field protects nothing.
 */
export const policyTargetsRule: StandardsRule = ({ config, proposed, policies, root, policyDir, place }) => {
  const findings: Finding[] = [];
  for (const rule of policies) {
    for (const target of rule.fields) {
      const type = target.endsWith('.*') ? target.slice(0, -2) : undefined;
      if (type !== undefined ? proposed.has(type) : proposed.has(target)) continue;
      // The domain of the type, when only the field is missing; the line of the rule.
      const owner = place(splitCoordinate(target).type, proposed);
      const placement = {
        subgraphs: owner.subgraphs,
        domains: owner.domains,
        location: policyLocation(root, policyDir, rule),
      };
      const message = `policy rule "${rule.id}" (${rule.file}) targets ${target}, which does not exist in the schema`;
      findings.push(...finding(config, 'policy-targets-exist', message, target, placement));
    }
  }
  return findings;
};

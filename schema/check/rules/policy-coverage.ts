import { accessRequirements } from '../access-requirements.js';
import { classifiedFields } from '../classifications.js';
import { finding } from '../finding.js';
import { splitCoordinate } from '../schema-view.js';
import type { StandardsRule } from './rule-context.js';

/**
 * Rule `policy-coverage`: every classified field is covered — a policy rule (policies/*.yaml,
 * read by gateway/policy) targets it by coordinate or by `Type.*` (or by one of its
 * classifications, when `policyCoverage.classificationRulesCover`), or an authorization
 * directive guards the field or its type.
 */
export const policyCoverageRule: StandardsRule = ({ config, proposed, inputs, policies, place }) => {
  const guarded = accessRequirements(proposed, config.authDirectives);
  const { classificationRulesCover } = config.policyCoverage;
  const findings = [];
  for (const [coordinate, classes] of [...classifiedFields(proposed, inputs, config)].sort(([a], [b]) =>
    a.localeCompare(b),
  )) {
    const { type } = splitCoordinate(coordinate);
    const covered =
      guarded.has(coordinate) ||
      guarded.has(type) ||
      policies.some(
        (rule) =>
          rule.fields.includes(coordinate) ||
          rule.fields.includes(`${type}.*`) ||
          (classificationRulesCover && rule.classifications.some((c) => classes.has(c))),
      );
    if (covered) continue;
    const message = `${coordinate} is classified ${[...classes].sort().join(', ')} but no policy rule covers it: add a rule for ${coordinate} or for its classification`;
    findings.push(...finding(config, 'policy-coverage', message, coordinate, place(coordinate, proposed)));
  }
  return findings;
};

import type { Placement } from './placement.js';
import type { ConsumerUsage, Finding, GovernanceConfig, RuleId, Severity } from './types.js';

/**
 * Builds a finding at its rule's configured severity; null when the rule is off. `severity`
 * overrides it for findings a rule reports below its level (composition hints, unused
 * breaking changes are notes).
 */
export function finding(
  config: GovernanceConfig,
  rule: RuleId,
  message: string,
  coordinate: string | null,
  placement: Placement,
  extra: { severity?: Severity; consumers?: readonly ConsumerUsage[] | null } = {},
): Finding[] {
  const configured = config.rules[rule];
  if (configured === 'off') return [];
  return [
    {
      rule,
      severity: extra.severity ?? configured,
      message,
      coordinate,
      subgraphs: placement.subgraphs,
      domains: placement.domains,
      location: placement.location,
      ...(extra.consumers !== undefined && { consumers: extra.consumers }),
    },
  ];
}

import type { PolicyRule } from '../../../gateway/policy/types.js';
import type { Place } from '../placement.js';
import type { SchemaView } from '../schema-view.js';
import type { SubgraphInput } from '../subgraph-sources.js';
import type { Finding, GovernanceConfig } from '../types.js';

/** What a standards rule reads: the proposed supergraph, the baseline, descriptors, policies. */
export interface RuleContext {
  readonly config: GovernanceConfig;
  readonly proposed: SchemaView;
  readonly base: SchemaView;
  readonly inputs: readonly SubgraphInput[];
  readonly place: Place;
  /** The repository root: sources and policy files are read relative to it. */
  readonly root: string;
  /** The policy directory, relative to the repository (for annotations). */
  readonly policyDir: string;
  /** The proposed policy rules (gateway/policy's loader). */
  readonly policies: readonly PolicyRule[];
  /** The baseline's policy rules; null when there is nothing to compare with. */
  readonly basePolicies: readonly PolicyRule[] | null;
}

export type StandardsRule = (context: RuleContext) => Finding[];

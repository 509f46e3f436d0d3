import { relative } from 'node:path';
import { readPolicyAndGrantFiles } from '../../gateway/policy/grant-rule.js';
import { baselineFromText, readBaselinePolicies, readBaselineSchema } from './baseline.js';
import { checkComposition } from './composition-check.js';
import { parseWindow, readGovernanceConfig } from './governance-config.js';
import { placer } from './placement.js';
import { deprecationReasonRule } from './rules/deprecation-reason.js';
import { descriptionsRule } from './rules/descriptions.js';
import { descriptorRule } from './rules/descriptor.js';
import { namingRule } from './rules/naming.js';
import { personalDataRule } from './rules/personal-data.js';
import { policyCoverageRule } from './rules/policy-coverage.js';
import { policyTargetsRule } from './rules/policy-targets.js';
import type { RuleContext, StandardsRule } from './rules/rule-context.js';
import { weakerAccessRule } from './rules/weaker-access.js';
import { checkSchemaChanges } from './schema-changes.js';
import {
  inputsFromSources,
  loadSubgraphs,
  type ProposedSubgraph,
  type SubgraphSourceInput,
} from './subgraph-sources.js';
import type { CheckReport, Finding, GovernanceConfig, Severity, UsageSource } from './types.js';

export interface CheckOptions {
  /** The repository root; every other path is absolute or relative to it. */
  readonly root: string;
  /** `schema/governance.yaml` unless told otherwise. */
  readonly governanceFile: string;
  /** `--subgraph NAME --schema FILE [--descriptor FILE]`: one subgraph replaced or added. */
  readonly proposed?: ProposedSubgraph | undefined;
  /**
   * The subgraphs from memory instead of the tree (a registry: what it has in service with the
   * proposal in place), and the one that changes. Nothing is then read from `subgraphs/`.
   */
  readonly sources?:
    { readonly subgraphs: readonly SubgraphSourceInput[]; readonly changed: string } | undefined;
  /** `--base REF`, `--base-schema FILE`, `--base-policies DIR`; the committed supergraph otherwise. */
  readonly base: {
    readonly ref?: string | undefined;
    readonly schemaFile?: string | undefined;
    readonly policyDir?: string | undefined;
    /**
     * The supergraph in service, as text (a registry's); `sdl` null: nothing is in service, so
     * nothing can break and the proposal is its own baseline.
     */
    readonly supergraph?: { readonly label: string; readonly sdl: string | null } | undefined;
  };
  /** The proposed policies (POLICY_DIR). */
  readonly policyDir: string;
  /** Where usage comes from; null when there is no lineage. Closed by the caller. */
  readonly usage: UsageSource | null;
  /** `--window`: overrides governance.yaml's usage window. */
  readonly window?: string | undefined;
  readonly now?: number | undefined;
}

const STANDARDS: readonly StandardsRule[] = [
  descriptionsRule,
  namingRule,
  deprecationReasonRule,
  personalDataRule,
  policyCoverageRule,
  policyTargetsRule,
  weakerAccessRule,
];

/**
 * `meshgate check`: composition, changes against the baseline (usage-aware), governance
 * standards and policy coverage, as one report. Throws StartupError when it cannot run
 * (bad input, unreadable baseline, invalid governance file or policies).
 */
export async function runCheck(options: CheckOptions): Promise<CheckReport> {
  const fileConfig = readGovernanceConfig(options.governanceFile);
  const config: GovernanceConfig =
    options.window === undefined
      ? fileConfig
      : {
          ...fileConfig,
          usage: { ...fileConfig.usage, window: options.window, windowMs: parseWindow(options.window) },
        };
  const inputs = options.sources
    ? inputsFromSources(options.sources.subgraphs)
    : loadSubgraphs(options.root, options.proposed);
  const changed = options.sources?.changed ?? options.proposed?.name;
  const place = placer(inputs, changed);
  const policyDir = relative(options.root, options.policyDir) || '.';
  const findings: Finding[] = [];

  const composition = checkComposition(inputs, config, place);
  findings.push(...composition.findings);
  let baselineLabel =
    options.base.ref ??
    options.base.schemaFile ??
    options.base.supergraph?.label ??
    'schema/supergraph.graphql';
  let policiesLabel = policyDir;
  if (composition.view) {
    const proposed = composition.view;
    const given = options.base.supergraph;
    const baseline = given
      ? given.sdl === null
        ? { label: given.label, view: proposed }
        : baselineFromText(given.label, given.sdl)
      : readBaselineSchema({
          root: options.root,
          ref: options.base.ref,
          schemaFile: options.base.schemaFile,
        });
    // Grants (policies/grants/) are checked like any rule: a new grant is a new allow rule.
    const policies = readPolicyAndGrantFiles(options.policyDir);
    const basePolicies = readBaselinePolicies({
      root: options.root,
      ref: options.base.ref,
      policyDir: options.base.policyDir,
    });
    baselineLabel = baseline.label;
    policiesLabel = `${policyDir} (${policies.length} rules)${basePolicies ? `, compared with ${basePolicies.label}` : ''}`;
    findings.push(
      ...(await checkSchemaChanges({
        base: baseline.view,
        proposed,
        config,
        place,
        usage: options.usage,
        now: options.now ?? Date.now(),
      })),
    );
    const context: RuleContext = {
      config,
      proposed,
      base: baseline.view,
      inputs,
      place,
      root: options.root,
      policyDir,
      policies,
      basePolicies: basePolicies?.rules ?? null,
    };
    for (const rule of STANDARDS) findings.push(...rule(context));
  }
  findings.push(...descriptorRule({ config, inputs }));

  const sorted = sortFindings(findings);
  const count = (severity: Severity) => sorted.filter((f) => f.severity === severity).length;
  const summary = { errors: count('error'), warnings: count('warning'), notes: count('note') };
  return {
    context: {
      baseline: baselineLabel,
      proposed: options.sources
        ? `subgraph ${options.sources.changed} with the ${options.sources.subgraphs.length - 1} other subgraph(s) in service`
        : options.proposed
          ? `subgraph ${options.proposed.name} from ${relative(options.root, options.proposed.schemaPath)}`
          : 'the subgraphs of this tree',
      usage: options.usage?.description ?? 'none (no REDIS_URL, no --lineage file)',
      window: config.usage.window,
      policies: policiesLabel,
    },
    findings: sorted,
    summary,
    exitCode: summary.errors > 0 ? 1 : 0,
  };
}

const ORDER: Record<Severity, number> = { error: 0, warning: 1, note: 2 };

function sortFindings(findings: readonly Finding[]): Finding[] {
  const key = (f: Finding) => [f.domains.join(', '), f.rule, f.coordinate ?? '', f.message].join('\u0000');
  return [...findings].sort((a, b) => ORDER[a.severity] - ORDER[b.severity] || key(a).localeCompare(key(b)));
}

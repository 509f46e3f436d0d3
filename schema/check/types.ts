/**
 * The public contracts of `meshgate check`: findings, the governance configuration, where
 * usage comes from, and the report the renderers print. Implementations live beside this file.
 */

/** What a finding weighs: an error fails the check (exit 1); warnings and notes never do. */
export type Severity = 'error' | 'warning' | 'note';

/** A rule's configured severity in `schema/governance.yaml`; `off` skips the rule. */
export type RuleSeverity = Severity | 'off';

/** Every check the command runs, one id each; `schema/governance.yaml` sets their severities. */
export const RULE_IDS = [
  'composition',
  'breaking-change',
  'dangerous-change',
  'safe-change',
  'descriptions',
  'naming',
  'descriptor',
  'personal-data-classified',
  'policy-coverage',
  'policy-targets-exist',
  'deprecation-reason',
  'removal-after-deprecation',
  'weaker-access',
] as const;
export type RuleId = (typeof RULE_IDS)[number];

/** A consumer of affected coordinates, from lineage: one row per principal and client. */
export interface ConsumerUsage {
  readonly principal: string;
  /** The client application's name, or null when the request did not name one. */
  readonly client: string | null;
  /** Operations that read any of the coordinates within the window. */
  readonly count: number;
  /** ISO 8601 time of the newest such operation. */
  readonly lastSeen: string;
  /** The affected coordinates it read, sorted. */
  readonly coordinates: readonly string[];
}

/**
 * Where usage comes from (the lineage store, an exported file). `consumers` answers: who read
 * any of these `Type.field` coordinates at or after `since` (epoch ms)?
 */
export interface UsageSource {
  /** For the report: `redis (meshgate:lineage:)`, `file lineage.json`. */
  readonly description: string;
  consumers(coordinates: readonly string[], since: number): Promise<ConsumerUsage[]>;
  close(): Promise<void>;
}

/** Where in the sources a finding points (for GitHub annotations); paths relative to the repo. */
export interface SourceLocation {
  readonly file: string;
  readonly line: number;
}

export interface Finding {
  readonly rule: RuleId;
  readonly severity: Severity;
  readonly message: string;
  /** The schema coordinate (`Type`, `Type.field`, `Type.field(arg:)`, `Enum.VALUE`) when there is one. */
  readonly coordinate: string | null;
  /** The subgraph(s) that define it, from the supergraph's `@join__*` directives. */
  readonly subgraphs: readonly string[];
  /** Their owning domain(s), from the data product descriptors. */
  readonly domains: readonly string[];
  readonly location: SourceLocation | null;
  /** Breaking changes only: who read the affected coordinates within the window; null when usage is unknown. */
  readonly consumers?: readonly ConsumerUsage[] | null;
}

/** A personal-data pattern: a field whose name matches `field` (and whose type matches `types`, if set). */
export interface PersonalDataPattern {
  readonly label: string;
  readonly field: RegExp;
  readonly types: RegExp | undefined;
}

/** `schema/governance.yaml`, validated. */
export interface GovernanceConfig {
  readonly rules: Readonly<Record<RuleId, RuleSeverity>>;
  readonly usage: {
    /** How far back lineage counts, in ms (default 30 days). */
    readonly windowMs: number;
    readonly window: string;
    /** A breaking change nobody used within the window is a note, not an error. */
    readonly blockOnlyIfUsed: boolean;
    /** No lineage available: `block` treats every breaking change as used, `pass` as unused. */
    readonly whenUnknown: 'block' | 'pass';
  };
  readonly personalData: {
    /** `@tag(name:)` values and descriptor classifications that mark a field classified. */
    readonly classifications: readonly string[];
    readonly patterns: readonly PersonalDataPattern[];
    /** Coordinates that match a pattern but are not personal. */
    readonly ignore: readonly string[];
  };
  readonly policyCoverage: {
    /** A rule targeting a whole classification covers its fields (off: a rule must name the field). */
    readonly classificationRulesCover: boolean;
  };
  /** Apollo authorization directives whose removal or loosening is weaker access. */
  readonly authDirectives: readonly string[];
}

/** What the run compared and with what, for the report's header. */
export interface CheckContext {
  readonly baseline: string;
  readonly proposed: string;
  readonly usage: string;
  readonly window: string;
  readonly policies: string;
}

export interface CheckReport {
  readonly context: CheckContext;
  readonly findings: readonly Finding[];
  readonly summary: { readonly errors: number; readonly warnings: number; readonly notes: number };
  /** 0 pass, 1 error findings (2, cannot run, never reaches a report). */
  readonly exitCode: 0 | 1;
}

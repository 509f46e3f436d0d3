export type {
  CheckContext,
  CheckReport,
  ConsumerUsage,
  Finding,
  GovernanceConfig,
  RuleId,
  RuleSeverity,
  Severity,
  SourceLocation,
  UsageSource,
} from './types.js';
export { RULE_IDS } from './types.js';
export { runCheck, type CheckOptions } from './run-check.js';
export { readGovernanceConfig, parseWindow } from './governance-config.js';
export { fileUsage } from './file-usage.js';
export { lineageUsage } from './lineage-usage.js';
export { renderMarkdown } from './render-markdown.js';
export { renderJson } from './render-json.js';
export { renderAnnotations } from './render-annotations.js';

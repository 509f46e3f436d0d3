export { runQuality, type QualityRunOptions } from './run-quality.js';
export { probeFreshness } from './freshness-probe.js';
export { compileLibraryRule, type CompiledRule } from './compile-rule.js';
export { assertSingleSelect } from './sql-guard.js';
export { readOnlyQuery } from './read-only.js';
export { meets, thresholdText } from './threshold.js';

export { runQuality, type QualityRunOptions } from './run-quality.js';
export { probeFreshness } from './freshness-probe.js';
export { compileLibraryRule, type CompiledRule } from './compile-rule.js';
export { assertSingleSelect } from './sql-guard.js';
export { readOnlyQuery } from './read-only.js';
export { meets, thresholdText } from './threshold.js';
export type { ReadableDatabase, ReadableTransaction } from './readable-database.js';
export {
  credentialVariables,
  openServerDatabase,
  postgresServerOf,
  serverCredentials,
  CREDENTIALS_FILE_PROPERTY,
  type PostgresServer,
} from './postgres-server.js';
export { serverTargets, type QualityTarget, type ServerTargets } from './server-targets.js';

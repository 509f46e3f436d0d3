/** Persisted operations: APQ with a Redis cache, and safelist mode over a published manifest. */
export type * from './types.js';
export { persistedEnv, persistedConfig } from './persisted-config.js';
export { usePersisted, type UsePersistedOptions } from './use-persisted.js';
export { readSafelist, safelistOf, manifestOf, sha256 } from './safelist.js';
export { PersistedQueryCache } from './persisted-cache.js';

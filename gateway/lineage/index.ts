/** Lineage per query: record (plugin, recorder, spool), store (Redis, memory), read, export. */
export type * from './types.js';
export { useLineage, type UseLineageOptions } from './use-lineage.js';
export { LineageRecorder, type RecorderOptions } from './recorder.js';
export { createLineage, lineageStore } from './create-lineage.js';
export { memoryStore, type MemoryStoreOptions } from './memory-store.js';
export { redisStore, DEFAULT_PREFIX, type RedisLineageStore, type RedisStoreOptions } from './redis-store.js';
export { lineageAdmin, registerLineageRoutes, type LineageRouteOptions } from './admin.js';
export { consumersOf } from './consumers.js';
export { matches, parseSince } from './filter.js';
export { toOpenLineage, type DatasetInputFacets, type OpenLineageRunEvent } from './openlineage.js';
export {
  openLineageValidator,
  OPENLINEAGE_SCHEMA_DIR,
  type OpenLineageValidator,
} from './openlineage-schema.js';
export { postOpenLineage, type HttpSinkOptions, type SinkResult } from './http-sink.js';
export type { LineageConfig } from './lineage-config.js';

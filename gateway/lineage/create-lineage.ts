import type { Logger } from '../common/logger.js';
import type { LineageConfig } from './lineage-config.js';
import { memoryStore } from './memory-store.js';
import { LineageRecorder } from './recorder.js';
import { redisStore } from './redis-store.js';
import type { LineageStore } from './types.js';

/** The store the configuration names: Redis when there is one, else the in-memory one. */
export async function lineageStore(
  config: LineageConfig,
  options: { connect?: boolean } = {},
): Promise<LineageStore> {
  if (!config.redis) return memoryStore({ maxEvents: config.memoryEvents });
  return redisStore({
    connection: config.redis,
    prefix: config.prefix,
    maxLength: config.maxLength,
    maxAgeMs: config.maxAgeMs,
    writeTimeoutMs: config.writeTimeoutMs,
    connect: options.connect === true,
  });
}

/** The gateway's recorder: never waits for Redis at start (the spool covers an outage). */
export async function createLineage(
  config: LineageConfig,
  logger: Logger,
): Promise<{ store: LineageStore; recorder: LineageRecorder }> {
  const store = await lineageStore(config);
  let recorder: LineageRecorder;
  try {
    recorder = new LineageRecorder({
      store,
      spoolPath: config.spoolPath,
      queueSize: config.queueSize,
      flushIntervalMs: config.flushIntervalMs,
      spoolIntervalMs: config.spoolIntervalMs,
      logger,
    });
  } catch (error) {
    // The spool cannot be opened (e.g. the state directory is not writable): the store's
    // connection must not outlive the failed start (test/start-failure.test.ts).
    await store.close();
    throw error;
  }
  logger.info(
    { store: store.kind, strict: config.strict, spool: store.durable ? config.spoolPath : null },
    'lineage recording on',
  );
  return { store, recorder };
}

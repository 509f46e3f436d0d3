import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { setImmediate as yieldToLoop } from 'node:timers/promises';
import { buildASTSchema, parse, type OperationDefinitionNode } from 'graphql';
import { Redis } from 'ioredis';
import { loadConfig } from '../gateway/config/config.js';
import { ErrorCode, StartupError } from '../gateway/common/errors.js';
import type { EventInput } from '../gateway/lineage/event.js';
import { EXAMPLE_QUERY } from '../gateway/cli/example-query.js';
import { createLogger } from '../gateway/common/logger.js';
import { lineageEvent } from '../gateway/lineage/event.js';
import { fieldsRead } from '../gateway/lineage/fields-read.js';
import { operationAnalyser } from '../gateway/operation/operation-analysis.js';
import { supergraphModel } from '../gateway/supergraph/supergraph-model.js';
import { LineageRecorder } from '../gateway/lineage/recorder.js';
import { redisStore } from '../gateway/lineage/redis-store.js';
import { redisServer } from '../gateway/redis/redis-config.js';

export interface LineageBenchResult {
  readonly events: number;
  /** Mean synchronous cost on the request path per event: reads lookup, event build, enqueue. */
  readonly hotPathMicros: number;
  /** Events stored per second while events keep arriving, from first record to last stored. */
  readonly writerEventsPerSecond: number;
  readonly stored: number;
  readonly duplicates: number;
  readonly redisEntries: number;
}

/**
 * `npm run bench:lineage`: the figures of issue 4's closing note, measured on the real
 * pieces. Events are the README example query's (22 field reads over five products). They
 * arrive 1,000 per event-loop turn, as under load; the hot path is timed around the
 * synchronous part only (what `willSendResponse` does), the writer from the first record
 * until the last event is confirmed stored in Redis. Keys go under a unique prefix that is
 * deleted afterwards.
 */
export async function benchLineage(
  redisUrl: string,
  supergraphSdl: string,
  events = 100_000,
): Promise<LineageBenchResult> {
  const { ownership } = supergraphModel(supergraphSdl);
  // The supergraph's object types carry the same fields as the API schema built from it.
  const schema = buildASTSchema(parse(supergraphSdl), { assumeValidSDL: true });
  const document = parse(EXAMPLE_QUERY);
  const operation = document.definitions[0] as OperationDefinitionNode;
  const prefix = `meshgate-bench:lineage:${process.pid}-${Date.now()}:`;
  const dir = mkdtempSync(join(tmpdir(), 'meshgate-lineage-bench-'));
  const store = await redisStore({
    connection: redisServer(redisUrl),
    prefix,
    connect: true,
    writeTimeoutMs: 10_000,
  });
  const recorder = new LineageRecorder({
    store,
    spoolPath: join(dir, 'spool.ndjson'),
    queueSize: 50_000,
    logger: createLogger('warn', 'lineage-bench'),
  });
  const analyse = operationAnalyser();
  const context: EventInput['context'] = {
    requestId: 'bench',
    startedAt: process.hrtime.bigint(),
    client: { name: 'bench', version: '1' },
    principal: {
      sub: 'analyst-1',
      anonymous: false,
      roles: ['analyst'],
      scopes: [],
      teams: [],
      attributes: {},
    },
    decisions: [{ coordinate: 'Customer.name', effect: 'mask', strategy: 'hash', rule: 'pii-pseudonymise' }],
    fetches: [{ subgraph: 'orders', durationMs: 1.2, entityCount: 0, ok: true }],
  };
  try {
    let hotNs = 0n;
    const started = process.hrtime.bigint();
    for (let sent = 0; sent < events;) {
      const t0 = process.hrtime.bigint();
      for (const end = Math.min(sent + 1_000, events); sent < end; sent++) {
        const reads = fieldsRead(analyse(schema, document, operation), ownership);
        recorder.record(
          lineageEvent({
            context,
            operation: { name: 'ExampleOrder', type: 'query', hash: 'bench' },
            reads,
            response: { outcome: 'ok', executed: true, errorCodes: [], httpStatus: 200 },
          }),
        );
      }
      hotNs += process.hrtime.bigint() - t0;
      await yieldToLoop();
    }
    await recorder.flush();
    const elapsedNs = process.hrtime.bigint() - started;
    const { stored, duplicates } = recorder.stats;
    const redisEntries = await store.redis.xlen(store.streamKey);
    return {
      events,
      hotPathMicros: Number(hotNs) / 1e3 / events,
      writerEventsPerSecond: Math.round(stored / (Number(elapsedNs) / 1e9)),
      stored,
      duplicates,
      redisEntries,
    };
  } finally {
    await recorder.close();
    await deleteKeys(redisUrl, prefix);
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Deletes every key under a prefix (SCAN, never KEYS). */
export async function deleteKeys(redisUrl: string, prefix: string): Promise<number> {
  const redis = new Redis(redisUrl, { maxRetriesPerRequest: 1 });
  let deleted = 0;
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1_000);
      cursor = next;
      if (keys.length > 0) deleted += await redis.unlink(...keys);
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
  return deleted;
}

/** `npm run bench:lineage [-- EVENTS]`: prints the result as JSON (REDIS_URL, SUPERGRAPH_PATH). */
if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const config = loadConfig();
  if (config.lineage.redis?.kind !== 'server')
    throw new StartupError(ErrorCode.CONFIG_INVALID, 'the lineage bench needs REDIS_URL');
  const supergraph = config.supergraph.source === 'file' ? readFileSync(config.supergraph.path, 'utf8') : '';
  const result = await benchLineage(config.lineage.redis.url, supergraph, Number(process.argv[2] ?? 100_000));
  console.log(JSON.stringify(result, null, 2));
}

import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { LineageWriterResult } from './types.js';

const LINEAGE_BENCH = fileURLToPath(new URL('./lineage-bench.ts', import.meta.url));

/**
 * The lineage writer's sustained rate into Redis, from the lineage layer's own benchmark
 * (bench/lineage-bench.ts, which prints its result as JSON). Reported as not
 * available when the command does not exist or fails.
 */
export function benchLineageWriter(
  redisUrl: string,
  supergraphPath: string,
  events: number,
): LineageWriterResult {
  const result = spawnSync(process.execPath, ['--import', 'tsx', LINEAGE_BENCH, String(events)], {
    env: {
      ...process.env,
      REDIS_URL: redisUrl,
      SUPERGRAPH_PATH: supergraphPath,
      LOG_LEVEL: 'warn',
      NODE_ENV: 'production',
    },
    encoding: 'utf8',
    timeout: 300_000,
  });
  const stdout = result.stdout ?? '';
  const json = stdout.slice(stdout.indexOf('{'), stdout.lastIndexOf('}') + 1);
  if (result.status === 0 && json) {
    try {
      const r = JSON.parse(json) as Record<string, unknown>;
      const num = (key: string) => (typeof r[key] === 'number' ? r[key] : null);
      const rate = num('writerEventsPerSecond');
      if (rate !== null) {
        return {
          available: true,
          events: num('events') ?? events,
          stored: num('stored') ?? 0,
          duplicates: num('duplicates') ?? 0,
          eventsPerSecond: rate,
          hotPathMicros: num('hotPathMicros'),
        };
      }
    } catch {
      // Reported below.
    }
  }
  const why = (result.stderr || stdout || String(result.error ?? '')).trim().split('\n')[0] ?? '';
  return {
    available: false,
    note: `bench/lineage-bench.ts gave no result (${why.slice(0, 200) || `exit ${String(result.status)}`})`,
  };
}

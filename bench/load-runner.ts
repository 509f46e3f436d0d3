import { lastLines, spawnProcess } from './processes.js';
import type { LoadJob, LoadResult } from './types.js';

const LOAD_SCRIPT = new URL('./load.ts', import.meta.url).pathname;

/**
 * Runs one cell's load in a separate process (see load.ts) and returns what it measured;
 * `onMeasure` is called when the measured pass starts (after the warm-up) and its returned
 * function when it ends, so the contender's usage is sampled over exactly that window.
 */
export async function runLoad<Usage>(
  job: LoadJob,
  onMeasure: () => () => Usage,
): Promise<{ load: LoadResult; usage: Usage }> {
  const proc = spawnProcess(
    'load generator',
    process.execPath,
    ['--import', 'tsx', LOAD_SCRIPT, JSON.stringify(job)],
    process.env,
  );
  const timeoutMs = (job.warmupSeconds + job.durationSeconds + 60) * 1000;
  try {
    await proc.waitForLine(/^(MEASURE)$/, timeoutMs);
    const stopSampling = onMeasure();
    const line = await proc.waitForLine(/^RESULT (.*)$/, timeoutMs).catch((error: unknown) => {
      stopSampling();
      throw error;
    });
    return { load: JSON.parse(line) as LoadResult, usage: stopSampling() };
  } catch (error) {
    throw new Error(`load generator failed: ${(error as Error).message} ${lastLines(proc.output())}`);
  } finally {
    await proc.stop();
  }
}

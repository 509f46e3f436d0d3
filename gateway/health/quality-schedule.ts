import { productSla, type DataProductDescriptor } from '../protocol/index.js';
import { probeFreshness, runQuality, thresholdText, type QualityTarget } from './quality/index.js';
import type { Logger } from '../common/logger.js';
import type { QualityConfig } from './quality-config.js';
import type { FreshnessReading, QualityResult, QualityStore } from './types.js';

/**
 * A product whose rules run: its contract (descriptor) and its own database (a kit product's,
 * or the one its contract's `servers` entry names: quality/server-targets.ts), or the reason
 * it cannot be measured, which its results then report.
 */
export type { QualityTarget };

export type QualityListener = (results: readonly QualityResult[]) => void | Promise<void>;

export interface QualitySchedule {
  /** Every product's rules, now; recorded and passed to the listeners like a scheduled run. */
  runQualityNow(): Promise<QualityResult[]>;
  /** Every product's freshness element, now; recorded. */
  probeFreshnessNow(): Promise<FreshnessReading[]>;
  /**
   * Called with every run's results (all products, one result per rule), after they are
   * recorded. A blocking failure is `!passed && severity === 'error'`. Returns an unsubscribe.
   */
  onResults(listener: QualityListener): () => void;
  /** Stops the timers and waits for a run in progress (before the databases close). */
  stop(): Promise<void>;
}

export interface QualityScheduleOptions {
  /** The products to measure: a list, or read at each run (the products in service change). */
  readonly targets: readonly QualityTarget[] | (() => readonly QualityTarget[]);
  readonly store: QualityStore;
  readonly config: Pick<QualityConfig, 'intervalMs' | 'freshnessIntervalMs' | 'statementTimeoutMs'>;
  readonly logger: Logger;
  /** Until the first runs; the intervals' own by default, capped at 10 s. */
  readonly firstRunDelayMs?: number;
}

/**
 * Runs the contracts' quality rules every `intervalMs` and the freshness probe every
 * `freshnessIntervalMs`, in the mesh process and off the request path: unref'd timers, one
 * run at a time (a run that outlasts its interval delays the next instead of overlapping),
 * and a failure is logged, never thrown.
 */
export function startQualitySchedule(options: QualityScheduleOptions): QualitySchedule {
  const { targets, store, config, logger } = options;
  const listeners = new Set<QualityListener>();
  const timers = new Set<NodeJS.Timeout>();
  const running = new Set<Promise<unknown>>();
  let stopped = false;
  const currentTargets = () => (typeof targets === 'function' ? targets() : targets);

  const runQualityNow = async (): Promise<QualityResult[]> => {
    const results: QualityResult[] = [];
    for (const target of currentTargets())
      results.push(
        ...('db' in target
          ? await runQuality(target.descriptor, target.db, { statementTimeoutMs: config.statementTimeoutMs })
          : notMeasured(target.descriptor, target.notMeasured)),
      );
    await store.record(results);
    for (const listener of listeners) {
      try {
        await listener(results);
      } catch (error) {
        logger.error({ err: error }, 'quality listener failed');
      }
    }
    const failed = results.filter((r) => !r.passed);
    logger.info(
      { rules: results.length, failed: failed.map((r) => `${r.product}/${r.ruleId}`) },
      'quality rules ran',
    );
    return results;
  };

  const probeFreshnessNow = async (): Promise<FreshnessReading[]> => {
    const readings: FreshnessReading[] = [];
    for (const target of currentTargets()) {
      const reading =
        'db' in target
          ? await probeFreshness(target.descriptor, target.db, {
              statementTimeoutMs: config.statementTimeoutMs,
            })
          : freshnessNotMeasured(target.descriptor, target.notMeasured);
      if (reading) readings.push(reading);
    }
    await store.recordFreshness(readings);
    return readings;
  };

  const every = (intervalMs: number, work: () => Promise<unknown>, what: string) => {
    const schedule = (delay: number) => {
      if (stopped) return;
      const timer = setTimeout(() => {
        timers.delete(timer);
        const run = work()
          .catch((error: unknown) => logger.warn({ err: error }, `${what} failed`))
          .finally(() => {
            running.delete(run);
            schedule(intervalMs);
          });
        running.add(run);
      }, delay);
      timer.unref();
      timers.add(timer);
    };
    schedule(options.firstRunDelayMs ?? Math.min(intervalMs, 10_000));
  };
  every(config.intervalMs, runQualityNow, 'quality run');
  every(config.freshnessIntervalMs, probeFreshnessNow, 'freshness probe');

  return {
    runQualityNow,
    probeFreshnessNow,
    onResults(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    async stop() {
      stopped = true;
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      await Promise.allSettled([...running]);
    },
  };
}

/** One result per rule of a product that cannot be measured: neither passed nor failed, with the reason. */
function notMeasured(descriptor: DataProductDescriptor, reason: string): QualityResult[] {
  const at = new Date().toISOString();
  return descriptor.quality.map((rule) => ({
    product: descriptor.name,
    ruleId: rule.id,
    dimension: rule.dimension,
    metric: rule.type === 'sql' ? 'sql' : rule.metric,
    measured: null,
    threshold: thresholdText(rule.threshold),
    passed: false,
    notMeasured: true,
    severity: rule.severity,
    durationMs: 0,
    at,
    error: `not measured: ${reason}`,
  }));
}

function freshnessNotMeasured(descriptor: DataProductDescriptor, reason: string): FreshnessReading | null {
  const { element, maxLagSeconds } = productSla(descriptor).freshness;
  if (!element) return null;
  return {
    product: descriptor.name,
    element,
    maxLagSeconds,
    at: new Date().toISOString(),
    newest: null,
    lagSeconds: null,
    error: `not measured: ${reason}`,
  };
}

import { Option } from 'commander';
import type { Logger } from '../../common/logger.js';

export const portOption = () =>
  new Option('-p, --port <port>', 'port to listen on (default: PORT, then the default port)');

/** What a command runs until a signal stops it. */
export interface Service {
  /** Graceful stop: drain in-flight requests, flush what is buffered, release connections. */
  stop(): Promise<void>;
  /**
   * Synchronous last word before a forced exit: make durable whatever is only in memory (the
   * lineage queue, appended to the spool and fsynced). Must be safe at any moment, even in
   * the middle of `stop()`, and more than once.
   */
  persistNow?(): void;
}

export interface ShutdownOptions {
  /** SHUTDOWN_TIMEOUT_MS: past it, `persistNow` and exit 0. */
  timeoutMs: number;
  /** For tests: how the process ends. */
  exit?: (code: number) => void;
  /** For tests: where SIGINT/SIGTERM come from. */
  signals?: Pick<NodeJS.EventEmitter, 'on'>;
}

/**
 * SIGINT/SIGTERM stop the service gracefully, within a bound:
 * - the first signal starts `stop()`; exit 0 when it resolves, 1 when it fails;
 * - at the deadline, `persistNow()` and exit 0: what the store could not take is durable in
 *   the spool and replayed at the next start, so a Redis that never answers cannot hold the
 *   process (an orchestrator's SIGKILL would come next anyway, with less written);
 * - a second signal exits at once, after `persistNow()`, with 1 (the operator asked for it).
 */
export function stopOnSignal(logger: Logger, service: Service, options: ShutdownOptions): void {
  const exit = options.exit ?? ((code: number) => process.exit(code));
  let stopping = false;
  const persistThenExit = (code: number) => {
    try {
      service.persistNow?.();
    } catch (error) {
      logger.error({ err: error }, 'shutdown: could not persist what was buffered');
    }
    exit(code);
  };
  const onSignal = (signal: NodeJS.Signals) => {
    if (stopping) {
      logger.warn({ signal }, 'second signal: exiting now');
      persistThenExit(1);
      return;
    }
    stopping = true;
    logger.info({ signal, timeoutMs: options.timeoutMs }, 'shutting down');
    const deadline = setTimeout(() => {
      logger.warn(
        { timeoutMs: options.timeoutMs },
        'shutdown deadline passed: buffered lineage stays in the spool for the next start',
      );
      persistThenExit(0);
    }, options.timeoutMs);
    service.stop().then(
      () => {
        clearTimeout(deadline);
        exit(0);
      },
      (error: unknown) => {
        clearTimeout(deadline);
        logger.error({ err: error }, 'shutdown failed');
        persistThenExit(1);
      },
    );
  };
  const signals = options.signals ?? process;
  signals.on('SIGINT', onSignal);
  signals.on('SIGTERM', onSignal);
}

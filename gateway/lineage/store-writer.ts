import type { Logger } from '../common/logger.js';
import type { LineageStore, SerializedEvent } from './types.js';

export interface StoreWriterOptions {
  store: LineageStore;
  /** First and longest wait before retrying a failing store, in ms. */
  retryMinMs: number;
  retryMaxMs: number;
  /** Named in the log line when the store fails: where events wait meanwhile. */
  spoolPath: string | undefined;
  logger: Logger | undefined;
  /** The backoff is over: run the writer again (an attempt now may succeed). */
  onRetry: () => void;
}

/**
 * Writes batches to the store and counts what it stored, and backs off while it fails: the
 * first failure is logged and waits `retryMinMs`, each further one twice as long up to
 * `retryMaxMs`; a success logs the recovery and resets the backoff. While backing off the
 * writer does not try (`backingOff`), and a timer calls `onRetry` when the wait is over.
 */
export class StoreWriter {
  private readonly store: LineageStore;
  private readonly retryMinMs: number;
  private readonly retryMaxMs: number;
  private readonly spoolPath: string | undefined;
  private readonly logger: Logger | undefined;
  private readonly onRetry: () => void;
  private backoff = 0;
  private retryAt = 0;
  private retryTimer: NodeJS.Timeout | null = null;
  readonly counters = { stored: 0, duplicates: 0 };

  constructor(options: StoreWriterOptions) {
    this.store = options.store;
    this.retryMinMs = options.retryMinMs;
    this.retryMaxMs = options.retryMaxMs;
    this.spoolPath = options.spoolPath;
    this.logger = options.logger;
    this.onRetry = options.onRetry;
  }

  /** True while the store is failing (since the last failure, until the next success). */
  get degraded(): boolean {
    return this.backoff > 0;
  }

  /** The current wait between attempts, in ms; 0 while the store works. */
  get backoffMs(): number {
    return this.backoff;
  }

  /** Inside the backoff: no attempt now. */
  get backingOff(): boolean {
    return Date.now() < this.retryAt;
  }

  /** The next attempt goes now, whatever the backoff (`flush`). */
  retryNow(): void {
    this.retryAt = 0;
  }

  /** One store write, its stored and duplicate events counted. Rejects as the store does. */
  write(batch: readonly SerializedEvent[]): Promise<void> {
    return this.store.write(batch).then((result) => {
      this.counters.stored += result.stored;
      this.counters.duplicates += result.duplicates;
    });
  }

  /**
   * Runs `work` (one or more `write`s) as one attempt: true if it succeeded (the backoff is
   * reset), false if it threw (the backoff grows and the retry timer is set).
   */
  async attempt(work: () => Promise<void>): Promise<boolean> {
    try {
      await work();
      this.recovered();
      return true;
    } catch (error) {
      this.failed(error);
      return false;
    }
  }

  /** Stops the retry timer and closes the store. */
  async close(): Promise<void> {
    if (this.retryTimer) clearTimeout(this.retryTimer);
    await this.store.close();
  }

  private failed(error: unknown): void {
    if (this.backoff === 0) {
      this.logger?.warn(
        { err: error, spool: this.spoolPath },
        'lineage: store unavailable, spooling events until it is back',
      );
    }
    this.backoff = Math.min(Math.max(this.backoff * 2, this.retryMinMs), this.retryMaxMs);
    this.retryAt = Date.now() + this.backoff;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      // The timer's clock is monotonic, retryAt is Date.now(): the timer can fire a millisecond
      // "early", and a step that still saw the backoff would retry nothing until a new event.
      this.retryAt = 0;
      this.onRetry();
    }, this.backoff);
    this.retryTimer.unref();
  }

  private recovered(): void {
    if (this.backoff > 0)
      this.logger?.info({ stored: this.counters.stored }, 'lineage: store is back, spool replayed');
    this.backoff = 0;
    this.retryAt = 0;
  }
}

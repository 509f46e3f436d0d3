import type { Logger } from '../common/logger.js';
import { Spool } from './spool.js';
import { SpoolJournal } from './spool-journal.js';
import { StoreWriter } from './store-writer.js';
import { StrictWaiters } from './strict-waiters.js';
import type { LineageEvent, LineageStore, RecorderStats } from './types.js';
import { serialize } from './wire.js';
import { WriteQueue } from './write-queue.js';

export interface RecorderOptions {
  store: LineageStore;
  /** The spool file; used when the store is durable (Redis). Required for one. */
  spoolPath?: string | undefined;
  /** In-memory queue bound; beyond it the request path appends to the spool itself. Default 10,000. */
  queueSize?: number | undefined;
  /** First and longest wait before retrying a failing store, in ms. Defaults 100 and 1,000. */
  retryMinMs?: number | undefined;
  retryMaxMs?: number | undefined;
  /**
   * Spooled events are written to the store at most once per this many ms (default 50), so
   * that each round trip to the store carries many events even at a few requests a second.
   * Strict mode, a full batch and `flush` write at once.
   */
  flushIntervalMs?: number | undefined;
  /**
   * Events are appended to the spool at most once per this many ms (default 10): under load
   * one write carries the events of many requests, at a few requests a second each goes at
   * once. It bounds what a SIGKILL can lose. Strict mode appends at once.
   */
  spoolIntervalMs?: number | undefined;
  logger?: Logger | undefined;
}

/**
 * Takes lineage events off the request path and persists them, losing none.
 *
 * `record` only pushes onto a bounded in-memory queue. A single writer loop appends what is
 * queued to the spool — a write-ahead log — at most once per spool interval (a group commit:
 * a write per request would cost more than the request's event), and writes what the spool
 * holds beyond the last confirmed offset to the store in one pipelined round trip, at most
 * once per flush interval. When the
 * store fails or times out, the writer backs off; new events keep being appended to the
 * spool, and the next successful attempt replays it from the last confirmed offset, in order.
 * The spool is emptied once all of it is stored and it has passed 1 MiB (or on `flush`): an
 * ftruncate per write would cost more than the write. The store's writes are idempotent per
 * event id, so re-sending what a failed or timed-out attempt did store, or what a killed
 * process had stored but not yet emptied from the spool, never duplicates an event.
 *
 * What a SIGKILL can lose: only events recorded within the last spool interval, before the
 * writer appended them (strict mode waits for the writer before responding).
 *
 * The parts, one file each: the queue and when the writer runs (write-queue.ts), the spool as
 * a journal and its replay (spool-journal.ts), the store writes and their backoff
 * (store-writer.ts), strict mode's waiters (strict-waiters.ts). This class wires them: its
 * `step` is the writer's one step.
 */
export class LineageRecorder {
  private readonly journal: SpoolJournal | null;
  private readonly queue: WriteQueue;
  private readonly writer: StoreWriter;
  private readonly waiters = new StrictWaiters();
  private readonly logger: Logger | undefined;
  private recorded = 0;
  private closed = false;

  constructor(options: RecorderOptions) {
    const { store } = options;
    this.logger = options.logger;
    if (store.durable && !options.spoolPath)
      throw new Error('Invariant violated: a durable lineage store needs a spool path');
    const spool = store.durable && options.spoolPath ? Spool.open(options.spoolPath) : null;
    this.journal = spool && new SpoolJournal(spool, this.logger);
    this.queue = new WriteQueue({
      queueSize: options.queueSize ?? 10_000,
      spoolIntervalMs: options.spoolIntervalMs ?? 10,
      flushIntervalMs: options.flushIntervalMs ?? 50,
      step: () => this.step(),
      overflow: (events) => this.overflow(events),
      urgent: () => this.waiters.pending,
    });
    this.writer = new StoreWriter({
      store,
      retryMinMs: options.retryMinMs ?? 100,
      retryMaxMs: options.retryMaxMs ?? 1_000,
      spoolPath: spool?.path,
      logger: this.logger,
      onRetry: () => this.queue.wake(),
    });
    if (this.journal && this.journal.size > 0) {
      this.logger?.info(
        { spool: this.journal.path, bytes: this.journal.size },
        'lineage: replaying the spool left by a previous run',
      );
      this.queue.schedule();
    }
  }

  get stats(): RecorderStats {
    return {
      recorded: this.recorded,
      ...this.writer.counters,
      spooled: this.journal?.counters.spooled ?? 0,
      corrupt: this.journal?.counters.corrupt ?? 0,
      queued: this.queue.length,
      degraded: this.writer.degraded,
    };
  }

  /** The request path: no I/O and no await (unless the queue is full, see `queueSize`). */
  record(event: LineageEvent): void {
    this.recorded++;
    this.waiters.recorded();
    if (this.closed) {
      // The server stops taking requests before it closes the recorder; this is a bug.
      this.logger?.error({ eventId: event.id }, 'lineage: event recorded after the recorder was closed');
      return;
    }
    this.queue.push(event);
  }

  /** Strict mode: resolves once the event is in the store, or fsynced in the spool while it is down. */
  recordConfirmed(event: LineageEvent): Promise<void> {
    if (this.closed) {
      this.record(event);
      return Promise.resolve();
    }
    // The waiter first, so that the writer is scheduled at once rather than at the interval.
    const persisted = this.waiters.waitForNext();
    this.record(event);
    return persisted;
  }

  /** Writes out everything queued: stored (and the spool emptied), or in the spool if the store still fails. */
  async flush(): Promise<void> {
    this.writer.retryNow(); // one attempt now, whatever the backoff
    this.queue.force();
    await this.queue.pump();
    this.journal?.sync();
  }

  /** Graceful shutdown: flush, then release the spool and the store. */
  async close(): Promise<void> {
    if (this.closed) return;
    await this.flush();
    this.closed = true;
    this.queue.close();
    this.journal?.close();
    await this.writer.close();
  }

  /**
   * A forced exit's last word (the shutdown deadline, a second signal): the queue appended to
   * the spool and fsynced, synchronously. Events a write has in flight are in the spool
   * already (journalled before they are sent), so the next start replays all of them.
   */
  persistNow(): void {
    if (this.closed || !this.journal) return;
    const queued = this.queue.takeAll();
    if (queued.length > 0) this.journal.append(queued, { mirror: !this.writer.degraded });
    this.journal.sync();
  }

  /** The writer's one step: the queue to the spool if due, then the spool to the store if due. */
  private async step(): Promise<void> {
    const journal = this.journal;
    if (!journal) {
      const batch = this.queue.takeAll();
      const seqEnd = this.waiters.taken(this.queue.length);
      if (batch.length > 0) await this.writer.write(batch.map(serialize));
      this.waiters.persisted(seqEnd);
      return;
    }
    const batch = this.queue.takeDue();
    const seqEnd = this.waiters.taken(this.queue.length);
    if (batch.length > 0) journal.append(batch, { mirror: !this.writer.degraded });
    const fsync = () => journal.sync();
    if (this.writer.backingOff) return this.waiters.durableInSpool(seqEnd, fsync);
    if (!this.queue.writeDue(journal.unsentCount)) return this.queue.writeLater();
    const forced = this.queue.startWrite();
    const stored = await this.writer.attempt(() =>
      journal.send((events) => this.writer.write(events), { empty: forced }),
    );
    if (stored) this.waiters.persisted(seqEnd);
    else this.waiters.durableInSpool(seqEnd, fsync);
  }

  /** Queue full (the writer is behind): the request path appends the queue to the spool itself. */
  private overflow(events: LineageEvent[]): void {
    if (this.journal) this.journal.append(events, { mirror: !this.writer.degraded });
    // The in-memory store cannot fall behind for long: hand it the batch now.
    else void this.writer.write(events.map(serialize));
  }
}

import type { LineageEvent } from './types.js';

/** Events per store write at most; more waiting than this are written without waiting. */
export const MAX_BATCH = 2_000;

export interface WriteQueueOptions {
  /** Events queued at most; the one beyond hands the queue to `overflow` first. */
  queueSize: number;
  /** The queue is taken for the spool at most once per this many ms. */
  spoolIntervalMs: number;
  /** The store is written at most once per this many ms. */
  flushIntervalMs: number;
  /** One step of the writer: takes the queue if due (`takeDue`, `takeAll`), writes if due. */
  step: () => Promise<void>;
  /** The queue is full: the request path hands it on itself (to the spool, to the store). */
  overflow: (events: LineageEvent[]) => void;
  /** A strict waiter waits: the spool and the store are due at once. */
  urgent: () => boolean;
}

/**
 * The bounded in-memory queue between the request path and the single writer, and when the
 * writer runs.
 *
 * `push` queues an event and schedules the writer: on the next turn of the event loop, or at
 * the end of the spool interval if the queue was taken less than one interval ago (a group
 * commit). The writer (`pump`) runs `step` until no one asked for another run meanwhile
 * (`again`), one run at a time: asking while it runs makes it run once more. A step that
 * finds the store not due yet (`writeDue`) asks for a run at the end of the flush interval
 * (`writeLater`). `force` makes the next step take and write at once, whatever the intervals.
 */
export class WriteQueue {
  private readonly queueSize: number;
  private readonly spoolIntervalMs: number;
  private readonly flushIntervalMs: number;
  private readonly step: () => Promise<void>;
  private readonly overflow: (events: LineageEvent[]) => void;
  private readonly urgent: () => boolean;
  private queue: LineageEvent[] = [];
  private lastWriteAt = 0;
  private lastSpoolAt = 0;
  private flushTimer: NodeJS.Timeout | null = null;
  /** Write at the next step whatever the flush interval (flush, close). */
  private forced = false;
  private scheduled = false;
  private again = false;
  private pumping: Promise<void> | null = null;

  constructor(options: WriteQueueOptions) {
    this.queueSize = options.queueSize;
    this.spoolIntervalMs = options.spoolIntervalMs;
    this.flushIntervalMs = options.flushIntervalMs;
    this.step = options.step;
    this.overflow = options.overflow;
    this.urgent = options.urgent;
  }

  /** Events queued. */
  get length(): number {
    return this.queue.length;
  }

  /** The request path: no I/O and no await, unless the queue is full (`overflow`). */
  push(event: LineageEvent): void {
    if (this.queue.length >= this.queueSize) this.overflow(this.takeAll());
    this.queue.push(event);
    this.schedule();
  }

  /** The whole queue, emptied (the store without a spool, a forced exit). */
  takeAll(): LineageEvent[] {
    const all = this.queue;
    this.queue = [];
    return all;
  }

  /** For the spool: the whole queue if the spool interval is over, else nothing. */
  takeDue(): LineageEvent[] {
    if (this.untilSpoolDue() > 0) return [];
    const batch = this.takeAll();
    if (batch.length > 0) this.lastSpoolAt = Date.now();
    return batch;
  }

  /** Whether the store is due: forced, a strict waiter, a full batch, or the flush interval is over. */
  writeDue(unsent: number): boolean {
    return (
      this.forced ||
      this.urgent() ||
      unsent >= MAX_BATCH ||
      Date.now() - this.lastWriteAt >= this.flushIntervalMs
    );
  }

  /** A write begins: the flush interval starts again. True if it was forced (`force`). */
  startWrite(): boolean {
    const forced = this.forced;
    this.forced = false;
    this.lastWriteAt = Date.now();
    return forced;
  }

  /** A run at the end of the flush interval, for events that arrive inside it. */
  writeLater(): void {
    if (this.flushTimer) return;
    const wait = Math.max(0, this.lastWriteAt + this.flushIntervalMs - Date.now());
    this.flushTimer = setTimeout(() => {
      this.flushTimer = null;
      this.wake();
    }, wait);
    this.flushTimer.unref();
  }

  /** The next step takes the queue and writes at once, whatever the intervals. */
  force(): void {
    this.forced = true;
    this.again = true;
  }

  /** Runs the writer now, or once more if it is running (a retry is due). */
  wake(): void {
    this.again = true;
    void this.pump();
  }

  /** Schedules the writer: on the next turn, or when the spool interval is over. */
  schedule(): void {
    if (this.pumping) {
      this.again = true;
      return;
    }
    if (this.scheduled) return;
    this.scheduled = true;
    const run = () => {
      this.scheduled = false;
      void this.pump();
    };
    const wait = this.untilSpoolDue();
    if (wait > 0) setTimeout(run, wait);
    else setImmediate(run);
  }

  /** Runs the writer's steps until none was asked for meanwhile; resolves when it stops. */
  pump(): Promise<void> {
    if (this.pumping) {
      this.again = true;
      return this.pumping;
    }
    this.pumping = (async () => {
      try {
        do {
          this.again = false;
          await this.step();
        } while (this.again);
      } finally {
        this.pumping = null;
      }
      // Events that arrived inside the spool interval: appended when it ends.
      if (this.queue.length > 0) this.schedule();
    })();
    return this.pumping;
  }

  /** Stops the flush timer. */
  close(): void {
    if (this.flushTimer) clearTimeout(this.flushTimer);
  }

  /** Ms until the queue is due in the spool: at once when forced or a strict waiter waits. */
  private untilSpoolDue(): number {
    if (this.forced || this.urgent()) return 0;
    return this.lastSpoolAt + this.spoolIntervalMs - Date.now();
  }
}

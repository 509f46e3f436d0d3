import type { Logger } from '../common/logger.js';
import { Spool } from './spool.js';
import type { LineageEvent, LineageStore, RecorderStats, SerializedEvent, Shape } from './types.js';
import { parseWire, serialize, shapeLine, withShape, type WireRecord } from './wire.js';

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

/** The spool is emptied once everything in it is stored and it has grown this large. */
const TRUNCATE_AT_BYTES = 1 << 20;
/** Events per store write at most; more waiting than this are written without waiting. */
const MAX_BATCH = 2_000;

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
 */
export class LineageRecorder {
  private readonly store: LineageStore;
  private readonly spool: Spool | null;
  private readonly queueSize: number;
  private readonly retryMinMs: number;
  private readonly retryMaxMs: number;
  private readonly flushIntervalMs: number;
  private readonly spoolIntervalMs: number;
  private readonly logger: Logger | undefined;
  private queue: LineageEvent[] = [];
  /** Spooled events not yet sent, kept to send from memory: the spool from `unsentFrom` on. */
  private unsent: SerializedEvent[] = [];
  private unsentFrom = 0;
  private lastWriteAt = 0;
  private lastSpoolAt = 0;
  private flushTimer: NodeJS.Timeout | null = null;
  /** Write at the next step whatever the flush interval (flush, close). */
  private forced = false;
  /** Spool bytes known to be in the store. */
  private confirmed = 0;
  /** Spool offset up to which corrupt lines were reported (a failed replay reads them again). */
  private reportedTo = 0;
  /** Shapes defined in the spool since it was last emptied: its events refer to them by id. */
  private spoolShapes = new Map<string, Shape>();
  private backoff = 0;
  private retryAt = 0;
  private retryTimer: NodeJS.Timeout | null = null;
  private scheduled = false;
  private again = false;
  private pumping: Promise<void> | null = null;
  /** Sequence of recorded events, and the last one known persisted (strict mode waits on it). */
  private seq = 0;
  private persistedSeq = 0;
  private waiters: { seq: number; resolve: () => void }[] = [];
  private closed = false;
  private readonly counters: Omit<RecorderStats, 'queued' | 'degraded'> = {
    recorded: 0,
    stored: 0,
    duplicates: 0,
    spooled: 0,
    corrupt: 0,
  };

  constructor(options: RecorderOptions) {
    this.store = options.store;
    this.queueSize = options.queueSize ?? 10_000;
    this.retryMinMs = options.retryMinMs ?? 100;
    this.retryMaxMs = options.retryMaxMs ?? 1_000;
    this.flushIntervalMs = options.flushIntervalMs ?? 50;
    this.spoolIntervalMs = options.spoolIntervalMs ?? 10;
    this.logger = options.logger;
    if (this.store.durable && !options.spoolPath)
      throw new Error('Invariant violated: a durable lineage store needs a spool path');
    this.spool = this.store.durable && options.spoolPath ? Spool.open(options.spoolPath) : null;
    if (this.spool && this.spool.size > 0) {
      this.logger?.info(
        { spool: this.spool.path, bytes: this.spool.size },
        'lineage: replaying the spool left by a previous run',
      );
      this.schedule();
    }
  }

  get stats(): RecorderStats {
    return { ...this.counters, queued: this.queue.length, degraded: this.backoff > 0 };
  }

  /** The request path: no I/O and no await (unless the queue is full, see `queueSize`). */
  record(event: LineageEvent): void {
    this.counters.recorded++;
    this.seq++;
    if (this.closed) {
      // The server stops taking requests before it closes the recorder; this is a bug.
      this.logger?.error({ eventId: event.id }, 'lineage: event recorded after the recorder was closed');
      return;
    }
    if (this.queue.length >= this.queueSize) this.overflow();
    this.queue.push(event);
    this.schedule();
  }

  /** Strict mode: resolves once the event is in the store, or fsynced in the spool while it is down. */
  recordConfirmed(event: LineageEvent): Promise<void> {
    if (this.closed) {
      this.record(event);
      return Promise.resolve();
    }
    // The waiter first, so that the writer is scheduled at once rather than at the interval.
    const persisted = new Promise<void>((resolve) => this.waiters.push({ seq: this.seq + 1, resolve }));
    this.record(event);
    return persisted;
  }

  /** Writes out everything queued: stored (and the spool emptied), or in the spool if the store still fails. */
  async flush(): Promise<void> {
    this.retryAt = 0; // one attempt now, whatever the backoff
    this.forced = true;
    this.again = true;
    await this.pump();
    this.spool?.sync();
  }

  /** Graceful shutdown: flush, then release the spool and the store. */
  async close(): Promise<void> {
    if (this.closed) return;
    await this.flush();
    this.closed = true;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    if (this.flushTimer) clearTimeout(this.flushTimer);
    this.spool?.close();
    await this.store.close();
  }

  /**
   * A forced exit's last word (the shutdown deadline, a second signal): the queue appended to
   * the spool and fsynced, synchronously. Events a write has in flight are in the spool
   * already (journalled before they are sent), so the next start replays all of them.
   */
  persistNow(): void {
    if (this.closed || !this.spool) return;
    if (this.queue.length > 0) {
      this.journal(this.queue);
      this.queue = [];
    }
    this.spool.sync();
  }

  private schedule(): void {
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

  private pump(): Promise<void> {
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

  private async step(): Promise<void> {
    const take = !this.spool || this.untilSpoolDue() <= 0;
    const batch = take ? this.queue : [];
    if (take) this.queue = [];
    const seqEnd = this.seq - this.queue.length;
    if (!this.spool) {
      if (batch.length > 0) this.count(await this.store.write(batch.map(serialize)));
      this.persisted(seqEnd);
      return;
    }
    if (batch.length > 0) {
      this.lastSpoolAt = Date.now();
      this.journal(batch);
    }
    if (Date.now() < this.retryAt) {
      this.spooledOnly(seqEnd);
      return;
    }
    if (!this.dueToWrite()) return this.writeLater();
    const forced = this.forced;
    this.forced = false;
    this.lastWriteAt = Date.now();
    try {
      if (this.unsent.length > 0 && this.confirmed === this.unsentFrom) {
        // The common case: nothing older is pending, send from memory what the spool holds.
        const sending = this.unsent;
        const end = this.spool.size;
        this.unsent = [];
        this.count(await this.store.write(sending));
        this.confirmed = end;
      }
      await this.replay(); // whatever else the spool holds: an outage's backlog, a crash's leftovers
      if (this.confirmed === this.spool.size) {
        this.unsent = []; // the replay sent them
        if (forced || this.spool.size >= TRUNCATE_AT_BYTES) this.emptySpool();
      }
      this.recovered();
      this.persisted(seqEnd);
    } catch (error) {
      this.failed(error);
      this.spooledOnly(seqEnd);
    }
  }

  /** Ms until the queue is due in the spool: at once when forced or a strict waiter waits. */
  private untilSpoolDue(): number {
    if (this.forced || this.waiters.length > 0) return 0;
    return this.lastSpoolAt + this.spoolIntervalMs - Date.now();
  }

  private dueToWrite(): boolean {
    return (
      this.forced ||
      this.waiters.length > 0 ||
      this.unsent.length >= MAX_BATCH ||
      Date.now() - this.lastWriteAt >= this.flushIntervalMs
    );
  }

  /** A write at the end of the flush interval, for events that arrive inside it. */
  private writeLater(): void {
    if (this.flushTimer) return;
    const wait = Math.max(0, this.lastWriteAt + this.flushIntervalMs - Date.now());
    this.flushTimer = setTimeout(() => {
      this.flushTimer = null;
      this.again = true;
      void this.pump();
    }, wait);
    this.flushTimer.unref();
  }

  private emptySpool(): void {
    this.spool!.truncate();
    this.spoolShapes.clear();
    this.confirmed = 0;
    this.unsentFrom = 0;
    this.reportedTo = 0;
  }

  /** Sends the spool from the confirmed offset to its end, in order, a chunk at a time. */
  private async replay(): Promise<void> {
    const spool = this.spool!;
    while (this.confirmed < spool.size) {
      const lines = spool.read(this.confirmed);
      if (lines.length === 0) return;
      const events: SerializedEvent[] = [];
      for (const line of lines) {
        if (line.text.trim() === '') continue;
        const record = parseWire(line.text);
        if (record?.kind === 'shape') {
          this.spoolShapes.set(record.shape.id, record.shape);
          continue;
        }
        const event = record && this.resolve(record, line.text);
        if (event) {
          events.push(event);
        } else if (line.end > this.reportedTo) {
          this.counters.corrupt++;
          this.logger?.warn(
            { spool: spool.path, endOffset: line.end, line: line.text.slice(0, 120) },
            'lineage: corrupt spool line skipped',
          );
        }
      }
      this.reportedTo = Math.max(this.reportedTo, lines[lines.length - 1]!.end);
      if (events.length > 0) this.count(await this.store.write(events));
      this.confirmed = lines[lines.length - 1]!.end;
    }
  }

  /** A spooled event ready for the store; null when its shape is not in the spool (a bad edit). */
  private resolve(record: Exclude<WireRecord, { kind: 'shape' }>, text: string): SerializedEvent | null {
    if (record.kind === 'full') return serialize(record.event); // a spool from before shapes
    const shape = this.spoolShapes.get(record.event.shape);
    return shape ? { event: withShape(record.event, shape), shape, json: text } : null;
  }

  /** Queue full (the writer is behind): the request path appends the queue to the spool itself. */
  private overflow(): void {
    if (this.spool) {
      this.journal(this.queue);
      this.queue = [];
    } else {
      // The in-memory store cannot fall behind for long: hand it the batch now.
      void this.store.write(this.queue.map(serialize)).then((result) => this.count(result));
      this.queue = [];
    }
  }

  /**
   * Appends events to the spool, each new shape's definition before its first event. While
   * the store is failing they are not kept in memory too: the retry replays the spool, and an
   * outage must not grow the heap.
   */
  private journal(events: readonly LineageEvent[]): void {
    const mirror = this.backoff === 0;
    if (!mirror) this.unsent = [];
    if (this.unsent.length === 0) this.unsentFrom = this.spool!.size;
    const lines: string[] = [];
    for (const event of events) {
      const serialized = serialize(event);
      const { shape } = serialized;
      if (!this.spoolShapes.has(shape.id)) {
        this.spoolShapes.set(shape.id, shape);
        lines.push(shapeLine(shape));
      }
      lines.push(serialized.json);
      if (mirror) this.unsent.push(serialized);
    }
    this.spool!.append(lines);
    this.counters.spooled += events.length;
  }

  private count(result: { stored: number; duplicates: number }): void {
    this.counters.stored += result.stored;
    this.counters.duplicates += result.duplicates;
  }

  private failed(error: unknown): void {
    if (this.backoff === 0) {
      this.logger?.warn(
        { err: error, spool: this.spool?.path },
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
      this.again = true;
      void this.pump();
    }, this.backoff);
    this.retryTimer.unref();
  }

  private recovered(): void {
    if (this.backoff > 0)
      this.logger?.info({ stored: this.counters.stored }, 'lineage: store is back, spool replayed');
    this.backoff = 0;
    this.retryAt = 0;
  }

  /** Strict waiters may go once their event is durable in the spool. */
  private spooledOnly(seqEnd: number): void {
    if (this.waiters.length === 0) return;
    this.spool?.sync();
    this.persisted(seqEnd);
  }

  private persisted(seqEnd: number): void {
    this.persistedSeq = Math.max(this.persistedSeq, seqEnd);
    if (this.waiters.length === 0) return;
    const ready = this.waiters.filter((w) => w.seq <= this.persistedSeq);
    this.waiters = this.waiters.filter((w) => w.seq > this.persistedSeq);
    for (const waiter of ready) waiter.resolve();
  }
}

import type { Logger } from '../common/logger.js';
import type { Spool } from './spool.js';
import type { LineageEvent, SerializedEvent, Shape } from './types.js';
import { parseWire, serialize, shapeLine, withShape, type WireRecord } from './wire.js';

/** The spool is emptied once everything in it is stored and it has grown this large. */
export const TRUNCATE_AT_BYTES = 1 << 20;

/** One store write; rejects when the store fails. */
export type SendBatch = (batch: readonly SerializedEvent[]) => Promise<void>;

/**
 * The spool as a journal: events are appended to it (`append`) before the store is asked,
 * and sent from it (`send`) in order, from the last offset the store confirmed.
 *
 * Offsets are byte offsets in the spool. Everything before `confirmed` is in the store. The
 * events appended since `unsentFrom` are also kept in memory (`unsent`), so that the common
 * case sends them without reading the file back; while the store fails they are not (the
 * caller says so with `mirror: false`), and the retry reads them back: an outage must not
 * grow the heap. What the memory does not hold, an outage's backlog or a previous run's
 * leftovers, is replayed from the file a chunk at a time; lines that cannot be read back are
 * counted and logged once each (`reportedTo`), however often a failed replay reads them again.
 *
 * Each new shape's definition line is appended before its first event, and the shapes seen
 * since the spool was last emptied are remembered: its events refer to them by id. The spool
 * is emptied once all of it is stored and it has passed `TRUNCATE_AT_BYTES`, or when asked
 * (a flush): an ftruncate per write would cost more than the write.
 */
export class SpoolJournal {
  /** Spooled events not yet sent, kept to send from memory: the spool from `unsentFrom` on. */
  private unsent: SerializedEvent[] = [];
  private unsentFrom = 0;
  /** Spool bytes known to be in the store. */
  private confirmed = 0;
  /** Spool offset up to which corrupt lines were reported (a failed replay reads them again). */
  private reportedTo = 0;
  /** Shapes defined in the spool since it was last emptied: its events refer to them by id. */
  private readonly shapes = new Map<string, Shape>();
  readonly counters = { spooled: 0, corrupt: 0 };

  constructor(
    private readonly spool: Spool,
    private readonly logger: Logger | undefined,
  ) {}

  get path(): string {
    return this.spool.path;
  }

  /** Bytes in the spool. */
  get size(): number {
    return this.spool.size;
  }

  /** Events appended and kept in memory to be sent: a full batch is written at once. */
  get unsentCount(): number {
    return this.unsent.length;
  }

  /**
   * Appends events to the spool in one write, each new shape's definition before its first
   * event. With `mirror` they are kept in memory too, to be sent from there; without it (the
   * store is failing) what memory held is dropped as well: `send` reads the file back.
   */
  append(events: readonly LineageEvent[], { mirror }: { mirror: boolean }): void {
    if (!mirror) this.unsent = [];
    if (this.unsent.length === 0) this.unsentFrom = this.spool.size;
    const lines: string[] = [];
    for (const event of events) {
      const serialized = serialize(event);
      const { shape } = serialized;
      if (!this.shapes.has(shape.id)) {
        this.shapes.set(shape.id, shape);
        lines.push(shapeLine(shape));
      }
      lines.push(serialized.json);
      if (mirror) this.unsent.push(serialized);
    }
    this.spool.append(lines);
    this.counters.spooled += events.length;
  }

  /**
   * Sends what the spool holds beyond the confirmed offset, in order: from memory when
   * nothing older is pending, then whatever else the file holds. Once all of it is confirmed,
   * empties the spool if `empty` is set or it has passed `TRUNCATE_AT_BYTES`. Rejects as
   * `write` does; what was confirmed before stays confirmed.
   */
  async send(write: SendBatch, { empty }: { empty: boolean }): Promise<void> {
    if (this.unsent.length > 0 && this.confirmed === this.unsentFrom) {
      // The common case: nothing older is pending, send from memory what the spool holds.
      const sending = this.unsent;
      const end = this.spool.size;
      this.unsent = [];
      await write(sending);
      this.confirmed = end;
    }
    await this.replay(write); // whatever else the spool holds: an outage's backlog, a crash's leftovers
    if (this.confirmed === this.spool.size) {
      this.unsent = []; // the replay sent them
      if (empty || this.spool.size >= TRUNCATE_AT_BYTES) this.truncate();
    }
  }

  /** Forces what was appended to disk. */
  sync(): void {
    this.spool.sync();
  }

  close(): void {
    this.spool.close();
  }

  private truncate(): void {
    this.spool.truncate();
    this.shapes.clear();
    this.confirmed = 0;
    this.unsentFrom = 0;
    this.reportedTo = 0;
  }

  /** Sends the spool from the confirmed offset to its end, in order, a chunk at a time. */
  private async replay(write: SendBatch): Promise<void> {
    const spool = this.spool;
    while (this.confirmed < spool.size) {
      const lines = spool.read(this.confirmed);
      if (lines.length === 0) return;
      const events: SerializedEvent[] = [];
      for (const line of lines) {
        if (line.text.trim() === '') continue;
        const record = parseWire(line.text);
        if (record?.kind === 'shape') {
          this.shapes.set(record.shape.id, record.shape);
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
      if (events.length > 0) await write(events);
      this.confirmed = lines[lines.length - 1]!.end;
    }
  }

  /** A spooled event ready for the store; null when its shape is not in the spool (a bad edit). */
  private resolve(record: Exclude<WireRecord, { kind: 'shape' }>, text: string): SerializedEvent | null {
    if (record.kind === 'full') return serialize(record.event); // a spool from before shapes
    const shape = this.shapes.get(record.event.shape);
    return shape ? { event: withShape(record.event, shape), shape, json: text } : null;
  }
}

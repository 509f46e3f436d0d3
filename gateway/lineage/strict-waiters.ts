/**
 * Strict mode's waiters: a request that may not be answered before its lineage event is
 * durable waits here, on the sequence number of its event.
 *
 * Every recorded event takes the next number (`recorded`); the writer reports the number up to
 * which events are persisted: in the store (`persisted`), or, while the store is down, fsynced
 * in the spool (`durableInSpool`). A waiter resolves once its number is covered, never before.
 */
export class StrictWaiters {
  /** Sequence number of the last recorded event. */
  private seq = 0;
  /** Sequence number up to which events are known persisted. */
  private persistedSeq = 0;
  private waiters: { seq: number; resolve: () => void }[] = [];

  /** Whether someone waits: the writer then appends and writes at once, whatever its intervals. */
  get pending(): boolean {
    return this.waiters.length > 0;
  }

  /** Numbers the event just recorded. */
  recorded(): void {
    this.seq++;
  }

  /** Resolves once the next event to be recorded is persisted: call it just before `recorded`. */
  waitForNext(): Promise<void> {
    return new Promise<void>((resolve) => this.waiters.push({ seq: this.seq + 1, resolve }));
  }

  /** The number up to which events are out of the queue, `queued` being still in it. */
  taken(queued: number): number {
    return this.seq - queued;
  }

  /** Events up to `seqEnd` are in the store. */
  persisted(seqEnd: number): void {
    this.persistedSeq = Math.max(this.persistedSeq, seqEnd);
    if (this.waiters.length === 0) return;
    const ready = this.waiters.filter((w) => w.seq <= this.persistedSeq);
    this.waiters = this.waiters.filter((w) => w.seq > this.persistedSeq);
    for (const waiter of ready) waiter.resolve();
  }

  /**
   * Events up to `seqEnd` are in the spool but not in the store: if someone waits, `fsync`
   * makes them durable, then they count as persisted.
   */
  durableInSpool(seqEnd: number, fsync: () => void): void {
    if (this.waiters.length === 0) return;
    fsync();
    this.persisted(seqEnd);
  }
}

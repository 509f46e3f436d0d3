import {
  closeSync,
  fdatasyncSync,
  fstatSync,
  ftruncateSync,
  mkdirSync,
  openSync,
  readSync,
  writeSync,
} from 'node:fs';
import { dirname } from 'node:path';

/** One line of the spool read back: its text and the byte offset just after it. */
export interface SpoolLine {
  readonly text: string;
  readonly end: number;
}

/**
 * The append-only local file events pass through on their way to a durable store (a
 * write-ahead log): one JSON line per event or shape (see wire.ts), appended before the store is asked, so an event
 * survives the store being down or slow and the gateway process being killed. The recorder
 * truncates it once the store confirmed everything in it.
 *
 * One gateway process per state directory: the file is not locked against a second writer.
 */
export class Spool {
  private size_: number;

  private constructor(
    readonly path: string,
    private readonly fd: number,
  ) {
    this.size_ = fstatSync(fd).size;
    // A crash in the middle of an append leaves a partial last line: end it, so it is read
    // back as one corrupt line (reported, skipped) instead of corrupting the next one.
    if (this.size_ > 0 && this.byteAt(this.size_ - 1) !== 0x0a) this.append(['']);
  }

  static open(path: string): Spool {
    mkdirSync(dirname(path), { recursive: true });
    return new Spool(path, openSync(path, 'a+'));
  }

  /** Bytes in the file; offsets are byte offsets. */
  get size(): number {
    return this.size_;
  }

  /** Appends whole lines in one write (`O_APPEND`: always at the end, even after a truncate). */
  append(lines: readonly string[]): void {
    if (lines.length === 0) return;
    const buffer = Buffer.from(`${lines.join('\n')}\n`);
    let written = 0;
    while (written < buffer.length) written += writeSync(this.fd, buffer, written, buffer.length - written);
    this.size_ += buffer.length;
  }

  /** Complete lines from `from`, about `maxBytes` of them (more if one line is longer). */
  read(from: number, maxBytes = 1 << 20): SpoolLine[] {
    const lines: SpoolLine[] = [];
    let want = Math.min(maxBytes, this.size_ - from);
    while (want > 0) {
      const buffer = Buffer.alloc(want);
      const got = readSync(this.fd, buffer, 0, want, from);
      const last = buffer.lastIndexOf(0x0a, got - 1);
      if (last < 0) {
        if (from + got >= this.size_) return lines; // no complete line left
        want = Math.min(want * 2, this.size_ - from); // one line longer than maxBytes
        continue;
      }
      let start = 0;
      for (let nl = buffer.indexOf(0x0a, 0); nl >= 0 && nl <= last; nl = buffer.indexOf(0x0a, start)) {
        lines.push({ text: buffer.toString('utf8', start, nl), end: from + nl + 1 });
        start = nl + 1;
      }
      return lines;
    }
    return lines;
  }

  /** Empties the file once everything in it is stored. */
  truncate(): void {
    ftruncateSync(this.fd);
    this.size_ = 0;
  }

  /** Forces appended lines to disk (strict mode while the store is down, shutdown). */
  sync(): void {
    fdatasyncSync(this.fd);
  }

  close(): void {
    closeSync(this.fd);
  }

  private byteAt(offset: number): number | undefined {
    const buffer = Buffer.alloc(1);
    readSync(this.fd, buffer, 0, 1, offset);
    return buffer[0];
  }
}

/**
 * The bounded window a log is searched through: a fixed buffer (chunk + lookback) that the
 * reader fills, in which the needles of a TrailCollator are found with Buffer.indexOf (the
 * same memmem-style search grep -F does) and only the lines that contain one are decoded and
 * parsed. The last `lookback` bytes of complete lines stay in the buffer for the next round,
 * so an smtpd session that began just before its queue id appeared can be backfilled.
 *
 * Contract: fill(n) after writing n bytes at writeTarget(); finish() at the end of the stream.
 * Memory is the buffer, fixed at creation. A line longer than the buffer is cut: its head is
 * offered, the rest skipped to its newline. Lines are decoded as UTF-8 and cut at MAX_LINE
 * bytes (the raw text is still untrusted: printers sanitize it). Never throws on data.
 */
import type { TrailCollator } from './trail-collate.js';
import { parseLogLine, type ParseContext } from './parse-line.js';
import { createByteSearch, type ByteSearch } from './find-bytes.js';

/** Longer lines are cut here: no Postfix line is this long; a hostile one must not cost more. */
export const MAX_LINE = 8192;

export interface WindowOptions {
  chunkBytes: number;
  lookbackBytes: number;
  /** Added to a byte offset to make a position (the file's place in the rotation order). */
  positionBase: number;
  source: string;
  context: ParseContext;
  /** Only lines in [since, until] (epoch ms) are offered; lines without a time always are. */
  since?: number | null;
  until?: number | null;
}

const NL = 0x0a;

export function decodeLine(buf: Buffer, start: number, end: number): string {
  let stop = end;
  if (stop > start && buf[stop - 1] === 0x0d) stop--;
  if (stop - start <= MAX_LINE) return buf.toString('utf8', start, stop);
  return `${buf.toString('utf8', start, start + MAX_LINE)}… [line cut: ${stop - start} bytes]`;
}

export class LineWindow {
  private readonly buf: Buffer;
  /** Stream offset of buf[0]. */
  private base = 0;
  private len = 0;
  /** Buffer index up to which lines were searched (a line start). */
  private done = 0;
  private skipping = false;
  private readonly searches = new Map<string, ByteSearch>();

  constructor(private readonly collator: TrailCollator, private readonly options: WindowOptions) {
    this.buf = Buffer.allocUnsafe(options.chunkBytes + options.lookbackBytes);
  }

  /** Where the next bytes go (at most chunkBytes). */
  writeTarget(): Buffer {
    return this.buf.subarray(this.len, Math.min(this.buf.length, this.len + this.options.chunkBytes));
  }

  /** Copy a chunk in (gzip output); large chunks are taken in pieces. */
  push(chunk: Buffer): void {
    for (let at = 0; at < chunk.length; ) {
      const target = this.writeTarget();
      const n = chunk.copy(target, 0, at, at + target.length);
      at += n;
      this.fill(n);
    }
  }

  fill(n: number): void {
    const from = this.len;
    this.len += n;
    if (this.skipping) {
      const nl = this.buf.indexOf(NL, from);
      if (nl < 0 || nl >= this.len) return this.compact(this.len, this.len);
      this.skipping = false;
      this.done = nl + 1;
    }
    const lastNl = this.len > 0 ? this.buf.lastIndexOf(NL, this.len - 1) : -1;
    if (lastNl >= this.done) {
      this.search(this.done, lastNl + 1);
      this.done = lastNl + 1;
    } else if (this.len === this.buf.length && this.done > 0) {
      // A long line needs the lookback's room: give it up.
      return this.compact(this.done, this.done);
    } else if (this.len === this.buf.length) {
      // One line fills the whole window: search its head, skip the rest.
      this.search(this.done, this.len);
      this.skipping = true;
      return this.compact(this.len, this.len);
    }
    if (this.len + this.options.chunkBytes > this.buf.length) {
      const keepFrom = Math.max(0, this.done - this.options.lookbackBytes);
      const lineStart = keepFrom === 0 ? 0 : this.buf.indexOf(NL, keepFrom) + 1;
      this.compact(Math.min(lineStart, this.done), this.done);
    }
  }

  finish(): void {
    if (!this.skipping && this.done < this.len) this.search(this.done, this.len);
    this.done = this.len;
  }

  /** Drop bytes before `from`; `done` becomes relative to the new start. */
  private compact(from: number, done: number): void {
    this.buf.copyWithin(0, from, this.len);
    this.base += from;
    this.len -= from;
    this.done = done - from;
  }

  private lineAt(index: number, start: number): number {
    // lastIndexOf with a negative offset would count from the end.
    if (index <= start) return start;
    const nl = this.buf.lastIndexOf(NL, index - 1);
    return Math.max(nl + 1, start);
  }

  private hits(needles: string[], from: number, end: number, into: Set<number>): void {
    for (const needle of needles) {
      let search = this.searches.get(needle);
      if (!search) this.searches.set(needle, (search = createByteSearch(Buffer.from(needle, 'utf8'))));
      search(this.buf, from, end, (at) => into.add(this.lineAt(at, from)));
    }
  }

  private lineEnd(start: number, end: number): number {
    const nl = this.buf.indexOf(NL, start);
    return nl < 0 || nl >= end ? end : nl;
  }

  private offerLine(start: number, end: number): string[] {
    const { since, until, context, positionBase, source } = this.options;
    const line = parseLogLine(decodeLine(this.buf, start, this.lineEnd(start, end)), context);
    if (line.time !== null && ((since != null && line.time < since) || (until != null && line.time > until))) return [];
    return this.collator.offer(line, positionBase + this.base + start, source).lookback;
  }

  private search(start: number, end: number): void {
    let needles = this.collator.needles();
    const found = new Set<number>();
    this.hits(needles, start, end, found);
    let pending = [...found].sort((a, b) => a - b);
    for (let i = 0; i < pending.length; i++) {
      const lineStart = pending[i]!;
      const lookback = this.offerLine(lineStart, end);
      while (lookback.length > 0) lookback.push(...this.backfill(lookback.shift()!, lineStart));
      const now = this.collator.needles();
      if (now.length !== needles.length || now.some((n, k) => n !== needles[k])) {
        const fresh = now.filter((n) => !needles.includes(n));
        needles = now;
        const next = this.lineEnd(lineStart, end) + 1;
        if (fresh.length > 0 && next < end) {
          const more = new Set<number>(pending.slice(i + 1));
          this.hits(fresh, next, end, more);
          pending = [...pending.slice(0, i + 1), ...[...more].sort((a, b) => a - b)];
        }
      }
    }
  }

  private backfill(needle: string, before: number): string[] {
    const starts = new Set<number>();
    this.hits([needle], 0, before, starts);
    const lines = [...starts].sort((a, b) => a - b).map((s) => ({
      line: parseLogLine(decodeLine(this.buf, s, this.lineEnd(s, before)), this.options.context),
      position: this.options.positionBase + this.base + s,
      source: this.options.source,
    }));
    return this.collator.backfill(needle, lines);
  }
}

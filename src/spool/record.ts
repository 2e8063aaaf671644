/**
 * The one reader of queue-file bytes (Postfix record.c): type byte, little-endian base-128
 * length, data.
 *
 * Contract: next() returns records in logical order, following non-zero pointer (`p`)
 * records, hiding padding (`w`) and stopping after the end (`E`) record, like rec_get().
 * Data is a view into the caller's buffer: a length that runs past the end of the buffer is
 * an error, never an allocation. With a `fetch` (options), the buffer is only the first window
 * of a file of `fileSize` bytes: the reader asks for the window a record lies in, so a 5 GiB
 * message is read as its envelope and a few windows, never whole (`fetch` is the caller's I/O;
 * this module stays pure).
 *
 * Diagnostics: the first read error is kept in `error` (offset, record type, problem) and
 * next() then returns null for good. Nothing here throws on any input.
 */
import { REC } from './rec-type.js';

export interface QueueRecord {
  type: number;
  /** Offset of the type byte. */
  offset: number;
  data: Buffer;
  /** Offset just past the data. */
  end: number;
  /** When reached through a pointer: the offset of that pointer record (postcat -o prints it). */
  pointerOffset: number | null;
}

export interface RecordError {
  offset: number;
  recordType: number | null;
  problem: string;
}

export interface RecordReaderOptions {
  /** Return `p` and `w` records instead of consuming them (postcat -v). Default false. */
  raw?: boolean;
  /** Follow pointer records; with raw they are both returned and followed. Default true. */
  followPointers?: boolean;
  /** The file's size when `buf` holds only its start (requires `fetch`). */
  fileSize?: number;
  /** Read at least `length` bytes (fewer at the end of the file) starting at file offset `offset`. */
  fetch?(offset: number, length: number): Buffer;
}

/** A window fetched for a record holds at least this much (a record's type and length, and usually the record). */
const FETCH_MIN = 256 * 1024;
/** A single record longer than this is not read (a hostile length in a huge file must not allocate gigabytes). */
const FETCH_RECORD_MAX = 64 * 1024 * 1024;

/** Postfix gives up after this many backward pointer jumps (record.c). */
const MAX_REVERSE_JUMPS = 10_000;
/** Postfix 3.7 reads at most 5 length bytes; larger values overflow its int. */
const MAX_LENGTH_BYTES = 5;
const MAX_LENGTH = 0x7fff_ffff;

export class RecordReader {
  pos: number;
  error: RecordError | null = null;
  /** True once the end (`E`) record was returned. */
  ended = false;
  private reverseJumps = 0;
  /** Bytes walked so far; a pointer cycle that only jumps forward and back is cut off by it. */
  private walked = 0;
  private readonly walkLimit: number;
  private pendingPointer: number | null = null;
  private readonly raw: boolean;
  private readonly follow: boolean;
  /** The window: file bytes [base, base + buf.length). */
  private buf: Buffer;
  private base = 0;
  private readonly size: number;
  private readonly fetch: ((offset: number, length: number) => Buffer) | undefined;
  /** The current record (advance()): its type byte, offsets, and data in `window`. */
  type = 0;
  offset = 0;
  end = 0;
  dataStart = 0;
  dataEnd = 0;
  pointerOffset: number | null = null;

  constructor(buf: Buffer, start = 0, options: RecordReaderOptions = {}) {
    this.buf = buf;
    this.pos = start;
    this.raw = options.raw ?? false;
    this.follow = options.followPointers ?? true;
    this.fetch = options.fetch;
    this.size = options.fetch ? Math.max(options.fileSize ?? buf.length, buf.length) : buf.length;
    // Legitimate pointer chains visit each byte about once; four passes plus slack is
    // generous, and keeps what a looping file can make postcat-style output print small.
    this.walkLimit = this.size * 4 + (1 << 16);
  }

  /** True when the reader stopped at the end of the buffer on a record boundary. */
  get atEof(): boolean {
    return this.error === null && !this.ended && this.pos >= this.size;
  }

  /** Make [offset, offset + length) readable (clipped to the file); false when it cannot be. */
  private fetchWindow(offset: number, length: number): boolean {
    const end = Math.min(offset + length, this.size);
    if (offset >= this.base && end <= this.base + this.buf.length) return true;
    if (!this.fetch) return false;
    this.buf = this.fetch(offset, Math.max(FETCH_MIN, end - offset));
    this.base = offset;
    return end <= offset + this.buf.length;
  }

  /**
   * A reader that goes on from here by itself (the pane's page marks). With a `fetch` it
   * drops the window, so a mark costs a few numbers, not a window.
   */
  fork(): RecordReader {
    const copy = Object.assign(Object.create(RecordReader.prototype) as RecordReader, this);
    if (this.fetch) {
      copy.buf = Buffer.alloc(0);
      copy.base = 0;
    }
    return copy;
  }

  /** Move to an absolute offset, e.g. past the content as the size record says. */
  seek(offset: number): void {
    this.pos = offset;
  }

  /**
   * Go to the next record (in logical order, as next()) without making an object for it:
   * false at the end or on an error. Its facts are then `type`, `offset`, `end`,
   * `pointerOffset`, and its data `window[dataStart, dataEnd)`; data() or record() make the
   * view or the object where a caller needs one (parseQueueFile reads most records without).
   */
  advance(): boolean {
    for (;;) {
      if (this.error || this.ended || this.pos >= this.size) return false;
      if (!this.readOne()) return false;
      if (this.type === REC.PTR) {
        const jumped = this.follow ? this.jump() : true;
        if (!jumped) return false;
        if (this.raw) return (this.pointerOffset = null), true;
        continue;
      }
      if (this.type === REC.DTXT && !this.raw) continue;
      if (this.type === REC.END) this.ended = true;
      this.pointerOffset = this.pendingPointer;
      this.pendingPointer = null;
      return true;
    }
  }

  next(): QueueRecord | null {
    return this.advance() ? this.record() : null;
  }

  /** The bytes the current record's data lies in (dataStart and dataEnd index them). */
  get window(): Buffer {
    return this.buf;
  }

  /** The current record's data, as a view. */
  data(): Buffer {
    return this.buf.subarray(this.dataStart, this.dataEnd);
  }

  /** The current record as an object (its data a view). */
  record(): QueueRecord {
    return { type: this.type, offset: this.offset, data: this.data(), end: this.end, pointerOffset: this.pointerOffset };
  }

  private readOne(): boolean {
    const offset = this.pos;
    // Type byte and up to 5 length bytes; a window that short is the file's end.
    if (this.fetch) this.fetchWindow(offset, 1 + MAX_LENGTH_BYTES);
    const buf = this.buf;
    const base = this.base;
    const type = buf[offset - base]!;
    let length = 0;
    let scale = 1;
    let p = offset + 1;
    for (let n = 0; ; n++) {
      if (n >= MAX_LENGTH_BYTES) return this.fail(offset, type, 'too many length bits');
      if (p >= this.size || p - base >= buf.length) return this.fail(offset, type, 'unexpected EOF reading length');
      const byte = buf[p++ - base]!;
      length += (byte & 0x7f) * scale;
      scale *= 128;
      if ((byte & 0x80) === 0) break;
    }
    if (length > MAX_LENGTH) return this.fail(offset, type, `illegal length ${length}`);
    if (p + length > this.size) {
      return this.fail(offset, type, `unexpected EOF in data, record type ${type} length ${length}`);
    }
    if (p + length - base > buf.length) {
      if (length > FETCH_RECORD_MAX) return this.fail(offset, type, `record too long to read (length ${length})`);
      if (!this.fetchWindow(offset, p + length - offset)) {
        return this.fail(offset, type, `unexpected EOF in data, record type ${type} length ${length}`);
      }
    }
    const at = p - this.base;
    this.pos = p + length;
    this.walked += this.pos - offset;
    if (this.walked > this.walkLimit) return this.fail(offset, type, 'pointer records loop');
    this.type = type;
    this.offset = offset;
    this.dataStart = at;
    this.dataEnd = at + length;
    this.end = p + length;
    return true;
  }

  /** Follow a pointer record; false (with the error set) when it is malformed or loops. */
  private jump(): boolean {
    const text = this.buf.toString('latin1', this.dataStart, this.dataEnd);
    const match = /^\s*(\d+)$/.exec(text);
    if (!match) {
      this.fail(this.offset, this.type, `malformed pointer record value: ${JSON.stringify(text)}`);
      return false;
    }
    const target = Number(match[1]);
    if (target === 0) return true;
    if (target > this.size) {
      this.fail(this.offset, this.type, `pointer record to offset ${target} past the end of the file`);
      return false;
    }
    if (target < this.pos && ++this.reverseJumps > MAX_REVERSE_JUMPS) {
      this.fail(this.offset, this.type, 'too many reverse jump records');
      return false;
    }
    if (this.pendingPointer === null) this.pendingPointer = this.offset;
    this.pos = target;
    return true;
  }

  private fail(offset: number, recordType: number, problem: string): false {
    this.error = { offset, recordType, problem };
    return false;
  }
}

/**
 * Walk the records of `buf` from `start` without making objects, for a search over many files
 * (content-span.ts): `visit(type, dataStart, dataEnd)` for each record until it returns false,
 * then the offset of that record; -1 when a length is malformed (more than MAX_LENGTH_BYTES) or
 * a record runs past the buffer first. Pointers are not followed: the visitor sees them.
 */
export function walkRecords(buf: Buffer, start: number, visit: (type: number, data: number, end: number) => boolean): number {
  for (let p = start; p < buf.length; ) {
    let length = 0;
    let scale = 1;
    let q = p + 1;
    for (let n = 0; ; n++) {
      if (n >= MAX_LENGTH_BYTES || q >= buf.length) return -1;
      const byte = buf[q++]!;
      length += (byte & 0x7f) * scale;
      scale *= 128;
      if ((byte & 0x80) === 0) break;
    }
    const end = q + length;
    if (end > buf.length) return -1;
    if (!visit(buf[p]!, q, end)) return p;
    p = end;
  }
  return -1;
}

/**
 * A queue file -> what `postcat` prints for it (postcat/postcat.c, default reader: pointers
 * followed, padding hidden, stop at the end record), for the sections -e (envelope), -h
 * (primary headers) and -b (body); none selected means all three.
 *
 * Contract: pure and total. The output text is sanitized with printable() (tabs and newlines
 * kept), so it is safe for a terminal; the raw bytes never leave here. When a record cannot
 * be read, the text holds everything before it and `error` says where (offset, record type,
 * problem), as postcat prints what it can and then fails. A file whose first byte is not an
 * envelope record type gives `error` and no text, like postcat's "not a valid queue file".
 */
import type { Diagnostic } from '../domain/entry.js';
import { asctime } from './asctime.js';
import { printable } from './printable.js';
import { recordLabel, REC, SEGMENT_TYPES } from './rec-type.js';
import { RecordReader } from './record.js';

export interface PostcatOptions {
  /** The path printed in the markers, relative to the queue directory (postcat -q). */
  path: string;
  envelope?: boolean;
  headers?: boolean;
  body?: boolean;
}

export interface PostcatResult {
  text: string;
  /** The read error that stopped the output, or null when the file was read to its end. */
  error: Diagnostic | null;
  /** Non-fatal complaints postcat prints as warnings (size record, marker order). */
  warnings: string[];
}

type State = 'envelope' | 'header' | 'body';

/** is_header(): printable ASCII name (no space, no colon), optional blanks, then a colon. */
function isHeader(data: Buffer): boolean {
  let i = 0;
  while (i < data.length && data[i]! > 0x20 && data[i]! < 0x7f && data[i] !== 0x3a) i++;
  if (i === 0) return false;
  while (i < data.length && (data[i] === 0x20 || data[i] === 0x09)) i++;
  return data[i] === 0x3a;
}

/** C's `%s` stops at the first NUL byte. */
function cString(data: Buffer): Buffer {
  const nul = data.indexOf(0);
  return nul < 0 ? data : data.subarray(0, nul);
}

function leadingInteger(data: Buffer): number {
  const m = /^\s*([-+]?\d+)/.exec(cString(data).toString('latin1'));
  return m ? Number(m[1]) : 0;
}

/** Output is handed on in pieces of about this size, each ending a line where it can. */
const CHUNK = 64 * 1024;
/** A piece is handed on at this size even mid-line (a hostile run of `L` records has no newline). */
const CHUNK_MAX = 4 * 1024 * 1024;

/** Where a file's bytes come from when it is not all in memory (record.ts's windowed reader). */
export interface PostcatSource {
  fileSize: number;
  fetch(offset: number, length: number): Buffer;
}

/**
 * postcat as a stream: run() hands on sanitized text in pieces and can stop after a budget (a
 * page) and go on later; fork() marks a place to come back to. Memory is the record reader's
 * window plus one piece, whatever the file's size (a 2 GB message is read in windows).
 */
export class PostcatStream {
  readonly warnings: string[] = [];
  /** The read error that stopped the output, or null (so far). */
  error: Diagnostic | null = null;
  done = false;
  private reader: RecordReader | null = null;
  private state: State = 'envelope';
  private doPrint: boolean;
  private prevType = 0;
  private dataOffset = -1;
  private dataSize = -1;
  private readonly printEnv: boolean;
  private readonly printHeader: boolean;
  private readonly printBody: boolean;
  private out: Buffer[] = [];
  private outBytes = 0;
  private started = false;

  /** `first` is the whole file, or (with `source`) its first window. */
  constructor(private readonly first: Buffer, private readonly options: PostcatOptions, private readonly source?: PostcatSource) {
    const any = options.envelope || options.headers || options.body;
    this.printEnv = !any || !!options.envelope;
    this.printHeader = !any || !!options.headers;
    this.printBody = !any || !!options.body;
    this.doPrint = this.printEnv;
  }

  /** The file offset reached (the next record's). */
  get position(): number {
    return this.reader?.pos ?? 0;
  }

  /** The place reached, to run from again later (shares the source, not the window). */
  fork(): PostcatStream {
    const copy = Object.assign(Object.create(PostcatStream.prototype) as PostcatStream, this);
    copy.reader = this.reader?.fork() ?? null;
    copy.out = [];
    copy.outBytes = 0;
    (copy as { warnings: string[] }).warnings = [...this.warnings];
    return copy;
  }

  /** Hand on text until the file ends or `budget` bytes were handed on; true when done. */
  run(emit: (text: string) => void, budget = Infinity): boolean {
    let emitted = 0;
    const flush = (force: boolean) => {
      if (this.outBytes === 0) return;
      const last = this.out[this.out.length - 1]!;
      if (!force && this.outBytes < CHUNK) return;
      if (!force && last[last.length - 1] !== 0x0a && this.outBytes < CHUNK_MAX) return;
      const text = printable(Buffer.concat(this.out).toString('utf8'), { keepTab: true, keepNewline: true });
      emitted += this.outBytes;
      this.out = [];
      this.outBytes = 0;
      emit(text);
    };
    while (!this.done && emitted < budget) {
      this.step();
      flush(this.done);
    }
    return this.done;
  }

  private put(s: string | Buffer): void {
    const b = typeof s === 'string' ? Buffer.from(s, 'utf8') : s;
    if (b.length === 0) return;
    this.out.push(b);
    this.outBytes += b.length;
  }

  private marker(text: string): void {
    this.put(`*** ${text} ${this.options.path} ***\n`);
  }

  private finish(error: Diagnostic | null): void {
    this.error = error;
    this.done = true;
  }

  private begin(): void {
    this.started = true;
    const size = this.source?.fileSize ?? this.first.length;
    // postcat prints nothing for an empty file; for postq that is a damaged file all the same.
    if (size === 0 || this.first.length === 0) return this.finish({ offset: 0, recordType: null, problem: 'empty file: no records' });
    if (!SEGMENT_TYPES.envelope.includes(String.fromCharCode(this.first[0]!))) {
      return this.finish({ offset: 0, recordType: this.first[0]!, problem: 'input is not a valid queue file' });
    }
    if (this.printEnv) this.marker('ENVELOPE RECORDS');
    this.reader = new RecordReader(this.first, 0, this.source ? { fileSize: this.source.fileSize, fetch: this.source.fetch } : {});
  }

  /** One record (the loop body of postcat.c's default reader). */
  private step(): void {
    if (!this.started) return this.begin();
    const reader = this.reader!;
    const rec = reader.next();
    if (!rec) return this.finish(reader.error ? { ...reader.error } : null);
    const type = rec.type;
    const printText = this.printHeader || this.printBody;
    const text = type === REC.CONT || type === REC.NORM;
    if (text) {
      if (this.state === 'header' && printText && this.prevType !== REC.CONT && !(isHeader(rec.data) || rec.data[0] === 0x20 || rec.data[0] === 0x09)) {
        this.state = 'body';
        this.doPrint = this.printBody;
        if (!this.doPrint && !this.printEnv) return this.finish(null);
        if (!this.doPrint && this.printEnv && this.dataOffset > 0 && this.dataSize >= 0) reader.seek(this.dataOffset + this.dataSize);
      }
    } else if (type === REC.MESG) {
      if (this.state !== 'envelope') this.warnings.push(`${this.options.path}: out-of-order message content marker`);
      if (this.printEnv) this.marker('MESSAGE CONTENTS');
      if (!printText && this.dataOffset > 0 && this.dataSize >= 0) reader.seek(this.dataOffset + this.dataSize);
      this.state = 'header';
      this.doPrint = this.printHeader;
      return;
    } else if (type === REC.XTRA) {
      if (this.state === 'envelope') this.warnings.push(`${this.options.path}: out-of-order extracted segment marker`);
      if (this.doPrint && this.prevType === REC.CONT) this.put('\n');
      if (this.printEnv) this.marker('HEADER EXTRACTED');
      this.state = 'envelope';
      this.doPrint = this.printEnv;
      if (!this.doPrint) return this.finish(null);
      return;
    } else if (type === REC.END) {
      if (this.state !== 'envelope') this.warnings.push(`${this.options.path}: out-of-order message end marker`);
      if (this.printEnv) this.marker('MESSAGE FILE END');
      return this.finish(null);
    } else if (type === REC.SIZE) {
      this.sizeRecord(rec.data, rec.offset);
      return;
    }
    if (!this.doPrint) return;
    printRecord(rec.type, rec.data, this.state, (s) => this.put(s), this.warnings, this.options.path);
    this.prevType = type === REC.CONT && this.state === 'envelope' ? 0 : type;
  }

  private sizeRecord(data: Buffer, offset: number): void {
    const reader = this.reader!;
    if (this.doPrint) this.put(Buffer.concat([Buffer.from('message_size: '), cString(data), Buffer.from('\n')]));
    if (this.options.path.startsWith('maildrop/')) return;
    if (this.dataSize >= 0 || this.dataOffset >= 0) {
      this.warnings.push('file contains multiple size records');
      return;
    }
    const m = /^\s*([-+]?\d+)\s+([-+]?\d+)/.exec(cString(data).toString('latin1'));
    this.dataSize = m ? Number(m[1]) : 0;
    this.dataOffset = m ? Number(m[2]) : 0;
    if (!m || this.dataOffset <= 0 || this.dataSize <= 0) this.warnings.push(`invalid size record: ${data.toString('latin1').slice(0, 100)}`);
    // Without -e postcat jumps straight to the content (to offset 0 for an all-zero size
    // record: it then shows the envelope again in header state, and so do we).
    if (!this.printEnv) {
      if (this.dataOffset < 0) {
        reader.error = { offset, recordType: REC.SIZE, problem: `seek error: bad data offset ${this.dataOffset} in size record` };
        return;
      }
      reader.seek(this.dataOffset);
      this.state = 'header';
      this.doPrint = this.printHeader;
    }
  }
}

/** The whole text at once, for a file in memory (tests, the remote pane, small messages). */
export function formatPostcat(bytes: Buffer, options: PostcatOptions): PostcatResult {
  const stream = new PostcatStream(bytes, options);
  const parts: string[] = [];
  stream.run((text) => parts.push(text));
  return { text: parts.join(''), error: stream.error, warnings: stream.warnings };
}

function printRecord(
  type: number,
  data: Buffer,
  state: State,
  put: (s: string | Buffer) => void,
  warnings: string[],
  path: string,
): void {
  switch (type) {
    case REC.TIME:
    case REC.WARN:
      put(`${recordLabel(type)}: ${asctime(leadingInteger(data))}\n`);
      return;
    case REC.CONT:
      if (state === 'envelope') put(`${recordLabel(type)}: `);
      put(data);
      if (state === 'envelope') put('\n');
      return;
    case REC.NORM:
      put(data);
      put('\n');
      return;
    case REC.ATTR: {
      const text = cString(data).toString('utf8');
      const eq = text.indexOf('=');
      const name = eq < 0 ? '' : text.slice(0, eq).trim();
      if (eq < 0 || name === '') {
        warnings.push(`${path}: malformed attribute: ${text.slice(0, 100)}`);
        return;
      }
      const value = text.slice(eq + 1).trim();
      if (name === 'create_time') put(`create_time: ${asctime(Number.parseInt(value, 10) || 0)}\n`);
      else put(`${recordLabel(type)}: ${name}=${value}\n`);
      return;
    }
    default:
      put(Buffer.concat([Buffer.from(`${recordLabel(type)}: `), cString(data), Buffer.from('\n')]));
  }
}

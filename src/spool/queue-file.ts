/**
 * Queue file -> the envelope facts postq lists, read the way showq and qmgr read them.
 *
 * Contract: parseQueueFile(bytes, options) never throws. It returns what it could read plus
 * diagnostics: read errors (truncation, bad length, bad pointer), a missing end record,
 * record types not allowed in their segment (what makes qmgr move a file to corrupt/), a
 * malformed size record. With `skipContent` (the default) the content is skipped with the size
 * record after the primary headers (for the Subject), as showq and qmgr do.
 * `needMore` says the buffer ended before the file did: the caller read a prefix and should
 * read the whole file and parse again.
 */
import type { ClientAttributes, Diagnostic } from '../domain/entry.js';
import { ClientAttributeCollector, keptAttributeName } from './client-attributes.js';
import type { QueueName } from '../domain/queue.js';
import { isAllowedIn, REC, describeRecordType, type Segment } from './rec-type.js';
import { RecordReader } from './record.js';
import { showqAddressIn } from './printable.js';
import { decodeEncodedWords } from './encoded-words.js';
import { equalsAt, leadingInteger, parseSize, type SizeRecord } from './record-fields.js';

export type { SizeRecord } from './record-fields.js';

export type RecipientStatus = 'pending' | 'done' | 'canceled';

export interface EnvelopeRecipient {
  /** Quoted, printable, as showq lists it. */
  address: string;
  /** Offset of the R record's type byte (the defer log's `offset=`). */
  offset: number;
  status: RecipientStatus;
  /**
   * From the O record before it, printable; null when absent. Only with the parse option
   * `originalRecipients` (the demo's qmgr logs it): nothing lists it, and one more address
   * decoded per recipient was a share of every listing's parse (README, Benchmark).
   */
  originalRecipient?: string | null;
}

export interface ParsedQueueFile {
  size: SizeRecord | null;
  /** Seconds of the first T record seen before the sender; null when there is none. */
  arrivalTime: number | null;
  createTime: number | null;
  /** Who sent it (smtpd's named attributes); null when the file has none (local submission). */
  client: ClientAttributes | null;
  /** Quoted printable sender (empty becomes the empty address name); null when no S record. */
  sender: string | null;
  /** True when the S record was empty (the null sender `<>`). */
  nullSender: boolean;
  recipients: EnvelopeRecipient[];
  subject: string | null;
  /** The end record was read. */
  complete: boolean;
  diagnostics: Diagnostic[];
  /** The buffer ended before the file: read the whole file and parse again. */
  needMore: boolean;
}

export interface ParseOptions {
  queueName: QueueName;
  /** The file's size on disk; when the buffer is shorter, it holds only a prefix. */
  fileSize?: number;
  /** Skip the body with the size record (default true). */
  skipContent?: boolean;
  /** empty_address_recipient (default MAILER-DAEMON). */
  emptyAddress?: string;
  /**
   * Read more of the file (record.ts): `bytes` is then its first window and `fileSize` its
   * size; the envelope and the extracted segment are read window by window, the content skipped.
   */
  fetch?(offset: number, length: number): Buffer;
  /** Decode each recipient's original recipient (O record); default false (see EnvelopeRecipient). */
  originalRecipients?: boolean;
}

const MAX_HEADER_RECORDS = 200;

/**
 * The length of a header name and its colon in bytes[start, end) (a header name pattern on
 * bytes), or 0 when the line is no header.
 */
function headerNameEnd(bytes: Uint8Array, start: number, end: number): number {
  let i = start;
  while (i < end && bytes[i]! >= 0x21 && bytes[i]! <= 0x7e && bytes[i] !== 0x3a) i++;
  if (i === start) return 0;
  while (i < end && (bytes[i] === 0x20 || bytes[i] === 0x09)) i++;
  return i < end && bytes[i] === 0x3a ? i + 1 - start : 0;
}

/** `subject` in any case (the bytes of a header name at `start`, before blanks and colon). */
function isSubjectName(bytes: Uint8Array, start: number, nameEnd: number): boolean {
  if (nameEnd < 8) return false;
  const subject = 'subject';
  for (let i = 0; i < 7; i++) if ((bytes[start + i]! | 0x20) !== subject.charCodeAt(i)) return false;
  for (let i = 7; i < nameEnd - 1; i++) if (bytes[start + i] !== 0x20 && bytes[start + i] !== 0x09) return false;
  return true;
}

/**
 * Finds the Subject in the primary headers. Only Subject lines are decoded; the others are
 * classified on their bytes (a header name is ASCII only, so bytes and decoded text agree),
 * in place in the reader's window: a header line in one record (nearly all) costs no view and
 * no array entry; only a line split over `L` records is joined first.
 */
class HeaderScan {
  subject: string | null = null;
  done = false;
  private line: Buffer[] = [];
  private records = 0;
  private inSubject = false;

  /** Feed one content record (the current one of `reader`); returns false once the headers are over. */
  feed(reader: RecordReader): boolean {
    if (this.done) return false;
    if (++this.records > MAX_HEADER_RECORDS) return (this.done = true), false;
    if (this.line.length === 0 && reader.type !== REC.CONT) return this.feedLine(reader.window, reader.dataStart, reader.dataEnd);
    this.line.push(reader.data());
    if (reader.type === REC.CONT) return true;
    const bytes = Buffer.concat(this.line);
    this.line = [];
    return this.feedLine(bytes, 0, bytes.length);
  }

  /** One whole header line, bytes[start, end). */
  private feedLine(bytes: Buffer, start: number, end: number): boolean {
    const continuation = start < end && (bytes[start] === 0x20 || bytes[start] === 0x09);
    if (continuation) {
      if (this.inSubject && this.subject !== null) this.subject += ' ' + bytes.toString('utf8', start, end).trim();
      return true;
    }
    const nameEnd = headerNameEnd(bytes, start, end);
    if (nameEnd > 0) {
      this.inSubject = isSubjectName(bytes, start, nameEnd);
      if (this.inSubject && this.subject === null) {
        const text = bytes.toString('utf8', start, end);
        this.subject = text.slice(text.indexOf(':') + 1).trim();
      }
    } else {
      this.done = true;
    }
    return !this.done;
  }
}

export function parseQueueFile(bytes: Buffer, options: ParseOptions): ParsedQueueFile {
  const result: ParsedQueueFile = {
    size: null,
    arrivalTime: null,
    createTime: null,
    client: null,
    sender: null,
    nullSender: false,
    recipients: [],
    subject: null,
    complete: false,
    diagnostics: [],
    needMore: false,
  };
  const skipContent = options.skipContent ?? true;
  const emptyAddress = options.emptyAddress ?? 'MAILER-DAEMON';
  const inMaildrop = options.queueName === 'maildrop';
  const reader = new RecordReader(bytes, 0, options.fetch ? { fetch: options.fetch, fileSize: options.fileSize } : {});
  const headers = new HeaderScan();
  let segment: Segment = 'envelope';
  let contentStart = -1;
  let skipped = false;
  const withOriginal = options.originalRecipients === true;
  let originalRecipient: string | null = null;
  const client = new ClientAttributeCollector();
  const warn = (offset: number, recordType: number, problem: string) => result.diagnostics.push({ offset, recordType, problem });

  // Records are read in place (reader.advance()): a view or a string is made only for the data
  // kept, and addresses and attribute names are read from the window itself.
  while (reader.advance()) {
    const type = reader.type;
    if (!isAllowedIn(segment, type)) {
      warn(reader.offset, type, `unexpected record type ${describeRecordType(type)} in the ${segment} segment`);
    }
    if (segment === 'content') {
      if (type === REC.XTRA) {
        segment = 'extracted';
      } else if (!headers.feed(reader) && skipContent && !skipped && result.size?.valid && result.size.dataSize > 0) {
        // Once: an all-zero size record (a file still being written) must not loop us.
        skipped = true;
        reader.seek(contentStart + result.size.dataSize);
      }
      continue;
    }
    const window = reader.window;
    const start = reader.dataStart;
    const end = reader.dataEnd;
    switch (type) {
      case REC.SIZE: {
        // Postfix 3.11+ sendmail writes a provisional size record into maildrop; readers ignore it.
        if (inMaildrop || result.size) break;
        result.size = parseSize(window, start, end);
        if (!result.size.valid) warn(reader.offset, type, `malformed size record: ${window.toString('latin1', start, end).trim()}`);
        break;
      }
      case REC.TIME:
        if (result.sender === null && result.arrivalTime === null) result.arrivalTime = leadingInteger(window, start, end);
        break;
      case REC.ATTR: {
        // Only the names kept are looked at, on the bytes (a message has an attribute per recipient).
        const eq = equalsAt(window, start, end);
        if (eq < 0) {
          warn(reader.offset, type, 'bad attribute record (no name=value)');
          break;
        }
        const name = keptAttributeName(window, eq, start);
        if (name === null) break;
        if (name === 'create_time') result.createTime = leadingInteger(window, eq + 1, end);
        else client.collect(name, window, eq + 1, end);
        break;
      }
      case REC.FROM:
        if (result.sender !== null) {
          warn(reader.offset, type, 'duplicate sender record');
          break;
        }
        result.nullSender = end === start;
        result.sender = showqAddressIn(window, start, end, emptyAddress);
        break;
      case REC.ORCP:
        if (withOriginal) originalRecipient = showqAddressIn(window, start, end, emptyAddress);
        break;
      case REC.RCPT:
      case REC.DONE:
      case REC.DRCP: {
        const address = showqAddressIn(window, start, end, emptyAddress);
        const status = type === REC.RCPT ? 'pending' : type === REC.DONE ? 'done' : 'canceled';
        result.recipients.push(withOriginal ? { address, offset: reader.offset, status, originalRecipient } : { address, offset: reader.offset, status });
        originalRecipient = null;
        break;
      }
      case REC.MESG:
        if (segment !== 'envelope') warn(reader.offset, type, 'out-of-order message content marker');
        segment = 'content';
        contentStart = reader.end;
        break;
      case REC.XTRA:
        warn(reader.offset, type, 'out-of-order extracted segment marker');
        segment = 'extracted';
        break;
      case REC.END:
        result.complete = true;
        break;
    }
  }
  // Decoded for reading and searching (subject:Отчёт finds every encoding of it).
  result.subject = headers.subject === null ? null : decodeEncodedWords(headers.subject);
  result.client = client.result();
  const fileSize = options.fileSize ?? bytes.length;
  if (!result.complete && bytes.length < fileSize && !options.fetch) {
    result.needMore = true;
  } else if (reader.error) {
    result.diagnostics.push({ ...reader.error });
  } else if (Math.max(fileSize, bytes.length) === 0) {
    result.diagnostics.push({ offset: 0, recordType: null, problem: 'empty file: no records' });
  } else if (!result.complete) {
    result.diagnostics.push({ offset: reader.pos, recordType: null, problem: 'missing end record' });
  }
  if (result.sender === null && Math.max(fileSize, bytes.length) > 0) result.diagnostics.push({ offset: 0, recordType: null, problem: 'missing sender record' });
  if (result.complete && !inMaildrop && result.size === null) {
    result.diagnostics.push({ offset: 0, recordType: null, problem: 'missing size record' });
  }
  return result;
}

/**
 * parseQueueFile as it was before records were read in place (git 29746aa, src/spool/queue-file.ts):
 * a record object and a data view per record, addresses through showqAddress(). Kept as the
 * oracle of test/spool/queue-file-in-place.test.ts; not used by postq.
 */
import type { ParsedQueueFile, ParseOptions } from '../../src/spool/queue-file.js';
import { ClientAttributeCollector, keptAttributeName } from '../../src/spool/client-attributes.js';
import { isAllowedIn, REC, describeRecordType, type Segment } from '../../src/spool/rec-type.js';
import { RecordReader, type QueueRecord } from '../../src/spool/record.js';
import { showqAddress } from '../../src/spool/printable.js';
import { decodeEncodedWords } from '../../src/spool/encoded-words.js';
import { equalsAt, leadingInteger, parseSize } from '../../src/spool/record-fields.js';

const MAX_HEADER_RECORDS = 200;

/** The length of a header name and its colon (a header name pattern on bytes), or 0 when the line is no header. */
function headerNameEnd(line: Uint8Array): number {
  let i = 0;
  while (i < line.length && line[i]! >= 0x21 && line[i]! <= 0x7e && line[i] !== 0x3a) i++;
  if (i === 0) return 0;
  while (i < line.length && (line[i] === 0x20 || line[i] === 0x09)) i++;
  return line[i] === 0x3a ? i + 1 : 0;
}

/** `subject` in any case (the bytes of a header name, before blanks and colon). */
function isSubjectName(line: Uint8Array, nameEnd: number): boolean {
  if (nameEnd < 8) return false;
  const subject = 'subject';
  for (let i = 0; i < 7; i++) if ((line[i]! | 0x20) !== subject.charCodeAt(i)) return false;
  for (let i = 7; i < nameEnd - 1; i++) if (line[i] !== 0x20 && line[i] !== 0x09) return false;
  return true;
}

/**
 * Finds the Subject in the primary headers. Only Subject lines are decoded; the others are
 * classified on their bytes (a header name is ASCII only, so bytes and decoded text agree).
 */
class HeaderScan {
  subject: string | null = null;
  done = false;
  private line: Buffer[] = [];
  private records = 0;
  private inSubject = false;

  /** Feed one content record; returns false once the headers are over. */
  feed(rec: QueueRecord): boolean {
    if (this.done) return false;
    if (++this.records > MAX_HEADER_RECORDS) return (this.done = true), false;
    this.line.push(rec.data);
    if (rec.type === REC.CONT) return true;
    const bytes = this.line.length === 1 ? this.line[0]! : Buffer.concat(this.line);
    this.line = [];
    const continuation = bytes[0] === 0x20 || bytes[0] === 0x09;
    if (continuation) {
      if (this.inSubject && this.subject !== null) this.subject += ' ' + bytes.toString('utf8').trim();
      return true;
    }
    const nameEnd = headerNameEnd(bytes);
    if (nameEnd > 0) {
      this.inSubject = isSubjectName(bytes, nameEnd);
      if (this.inSubject && this.subject === null) {
        const text = bytes.toString('utf8');
        this.subject = text.slice(text.indexOf(':') + 1).trim();
      }
    } else {
      this.done = true;
    }
    return !this.done;
  }
}

export function parseQueueFileBefore(bytes: Buffer, options: ParseOptions): ParsedQueueFile {
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
  let originalRecipient: string | null = null;
  const client = new ClientAttributeCollector();
  const warn = (rec: QueueRecord, problem: string) =>
    result.diagnostics.push({ offset: rec.offset, recordType: rec.type, problem });

  for (let rec = reader.next(); rec; rec = reader.next()) {
    if (!isAllowedIn(segment, rec.type)) {
      warn(rec, `unexpected record type ${describeRecordType(rec.type)} in the ${segment} segment`);
    }
    if (segment === 'content') {
      if (rec.type === REC.XTRA) {
        segment = 'extracted';
      } else if (!headers.feed(rec) && skipContent && !skipped && result.size?.valid && result.size.dataSize > 0) {
        // Once: an all-zero size record (a file still being written) must not loop us.
        skipped = true;
        reader.seek(contentStart + result.size.dataSize);
      }
      continue;
    }
    switch (rec.type) {
      case REC.SIZE:
        // Postfix 3.11+ sendmail writes a provisional size record into maildrop; readers ignore it.
        if (inMaildrop || result.size) break;
        result.size = parseSize(rec.data);
        if (!result.size.valid) warn(rec, `malformed size record: ${rec.data.toString('latin1').trim()}`);
        break;
      case REC.TIME:
        if (result.sender === null && result.arrivalTime === null) result.arrivalTime = leadingInteger(rec.data);
        break;
      case REC.ATTR: {
        // Only the names kept are looked at, on the bytes (a message has an attribute per recipient).
        const eq = equalsAt(rec.data);
        if (eq < 0) {
          warn(rec, 'bad attribute record (no name=value)');
          break;
        }
        const name = keptAttributeName(rec.data, eq);
        if (name === null) break;
        if (name === 'create_time') result.createTime = leadingInteger(rec.data.subarray(eq + 1));
        else client.collect(name, rec.data.subarray(eq + 1));
        break;
      }
      case REC.FROM:
        if (result.sender !== null) {
          warn(rec, 'duplicate sender record');
          break;
        }
        result.nullSender = rec.data.length === 0;
        result.sender = showqAddress(rec.data, emptyAddress);
        break;
      case REC.ORCP:
        originalRecipient = showqAddress(rec.data, emptyAddress);
        break;
      case REC.RCPT:
      case REC.DONE:
      case REC.DRCP:
        result.recipients.push({
          address: showqAddress(rec.data, emptyAddress),
          offset: rec.offset,
          status: rec.type === REC.RCPT ? 'pending' : rec.type === REC.DONE ? 'done' : 'canceled',
          originalRecipient,
        });
        originalRecipient = null;
        break;
      case REC.MESG:
        if (segment !== 'envelope') warn(rec, 'out-of-order message content marker');
        segment = 'content';
        contentStart = rec.end;
        break;
      case REC.XTRA:
        warn(rec, 'out-of-order extracted segment marker');
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

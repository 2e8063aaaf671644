/**
 * Queue-file and defer-log bytes exactly as Postfix writes them: the inverse of record.ts.
 *
 * - encodeRecord(): type byte, little-endian base-128 length (minimal, at least one byte), data.
 * - buildQueueFile(): a complete file as cleanup leaves it in incoming/ (SIZE record first with
 *   six 15-wide fields, T, A create_time, attributes, A rewrite_context, F, S, smtpd's client
 *   attributes, recipient groups (A notify_flags, A dsn_orig_rcpt, O, R), M, content, X,
 *   extracted attributes, E), plus the
 *   offsets callers need (each R record's offset, for `offset=` in defer logs and `D` marking).
 * - buildMaildropFile(): a file as postdrop writes it (no SIZE record; T first).
 * - formatDeferLogEntry(): one entry as the bounce service appends it to defer/ID.
 *
 * Content is message text with `\n` line ends: each line becomes N records, and a line longer
 * than line_length_limit (2048) becomes L records of exactly that size and a final N, as
 * cleanup_out() cuts it; text that does not end in `\n` leaves its last line as L records.
 * Pure: no I/O. Throws only on caller bugs (a record type outside 0..255, a negative length).
 */
import { REC } from './rec-type.js';

/** cleanup's line_length_limit default: the longest N/L record it writes. */
export const LINE_LENGTH_LIMIT = 2048;

type Data = Buffer | string;

const toBuffer = (data: Data): Buffer => (typeof data === 'string' ? Buffer.from(data, 'utf8') : data);

/** The length bytes: seven bits at a time, least significant group first, 0x80 = more follow. */
export function encodeLength(length: number): Buffer {
  if (!Number.isSafeInteger(length) || length < 0) throw new RangeError(`bad record length ${length}`);
  const bytes: number[] = [];
  let rest = length;
  do {
    const low = rest % 128;
    rest = Math.floor(rest / 128);
    bytes.push(rest > 0 ? low | 0x80 : low);
  } while (rest > 0);
  return Buffer.from(bytes);
}

export function encodeRecord(type: number | string, data: Data = ''): Buffer {
  const code = typeof type === 'string' ? type.charCodeAt(0) : type;
  if (!Number.isInteger(code) || code < 0 || code > 255) throw new RangeError(`bad record type ${type}`);
  const body = toBuffer(data);
  return Buffer.concat([Buffer.from([code]), encodeLength(body.length), body]);
}

/** `%15ld`: right-aligned in 15 characters, wider when the number needs it. */
export const field15 = (n: number): string => String(n).padStart(15, ' ');

export interface SizeFields {
  dataSize: number;
  dataOffset: number;
  recipientCount: number;
  qmgrFlags: number;
  contentLength: number;
  smtputf8: number;
}

/** The SIZE (`C`) record data, six `%15ld` fields (Postfix 3.0+: 95 bytes). */
export function formatSizeRecord(f: SizeFields): string {
  return [f.dataSize, f.dataOffset, f.recipientCount, f.qmgrFlags, f.contentLength, f.smtputf8].map(field15).join(' ');
}

/** Message text -> content records (N, or L... then N; an unterminated last line stays L). */
export function encodeContent(text: Data, lineLimit = LINE_LENGTH_LIMIT): Buffer[] {
  const bytes = toBuffer(text);
  const out: Buffer[] = [];
  let start = 0;
  while (start < bytes.length) {
    let end = bytes.indexOf(0x0a, start);
    const terminated = end >= 0;
    if (!terminated) end = bytes.length;
    let line = bytes.subarray(start, end);
    while (line.length > lineLimit) {
      out.push(encodeRecord(REC.CONT, line.subarray(0, lineLimit)));
      line = line.subarray(lineLimit);
    }
    out.push(encodeRecord(terminated ? REC.NORM : REC.CONT, line));
    start = end + 1;
  }
  return out;
}

export interface RecipientSpec {
  address: string;
  /** O record (the address before rewriting); cleanup writes it for every recipient it got. */
  originalRecipient?: string | null;
  /** `A dsn_orig_rcpt=` (e.g. `rfc822;bob@example.org`); null to leave it out. */
  dsnOrigRcpt?: string | null;
  /** `A notify_flags=` (NEVER=1 SUCCESS=2 FAILURE=4 DELAY=8); 0 or absent to leave it out. */
  notifyFlags?: number;
}

export interface QueueFileSpec {
  /** T record: arrival time. */
  arrival: { seconds: number; microseconds: number };
  /** A create_time= (seconds): the base for expiry. Defaults to the arrival seconds. */
  createTime?: number;
  /** A records written after create_time and before rewrite_context (e.g. log_ident). */
  attributes?: ReadonlyArray<readonly [string, string]>;
  /** A records written after the sender (smtpd's client information: log_client_name, ...). */
  senderAttributes?: ReadonlyArray<readonly [string, string]>;
  rewriteContext?: 'local' | 'remote';
  /** F record (local submissions: the user's full name); null or absent to leave it out. */
  fullName?: string | null;
  /** S record; the empty string is the null sender `<>`. */
  sender: string;
  recipients: readonly RecipientSpec[];
  /** The message text (headers, blank line, body) with `\n` line ends. */
  content: Data;
  /** A records in the extracted segment (after X), e.g. [['encoding', '7bit']]. */
  extractedAttributes?: ReadonlyArray<readonly [string, string]>;
  smtputf8?: number;
}

export interface BuiltQueueFile {
  bytes: Buffer;
  /** Offset of each R record's type byte, in spec order. */
  recipientOffsets: number[];
  size: SizeFields;
}

function attribute(name: string, value: string | number): Buffer {
  return encodeRecord(REC.ATTR, `${name}=${value}`);
}

/** One recipient group as cleanup_out_recipient writes it; returns the R record's index. */
function pushRecipient(parts: Buffer[], r: RecipientSpec): number {
  if (r.notifyFlags) parts.push(attribute('notify_flags', r.notifyFlags));
  if (r.dsnOrigRcpt) parts.push(attribute('dsn_orig_rcpt', r.dsnOrigRcpt));
  if (r.originalRecipient !== undefined && r.originalRecipient !== null) {
    parts.push(encodeRecord(REC.ORCP, r.originalRecipient));
  }
  parts.push(encodeRecord(REC.RCPT, r.address));
  return parts.length - 1;
}

/** A queue file as cleanup writes it; the SIZE record is computed from the finished layout. */
export function buildQueueFile(spec: QueueFileSpec): BuiltQueueFile {
  const envelope: Buffer[] = [];
  envelope.push(encodeRecord(REC.TIME, `${spec.arrival.seconds} ${spec.arrival.microseconds}`));
  envelope.push(attribute('create_time', spec.createTime ?? spec.arrival.seconds));
  for (const [name, value] of spec.attributes ?? []) envelope.push(attribute(name, value));
  envelope.push(attribute('rewrite_context', spec.rewriteContext ?? 'local'));
  if (spec.fullName !== undefined && spec.fullName !== null) envelope.push(encodeRecord(REC.FULL, spec.fullName));
  envelope.push(encodeRecord(REC.FROM, spec.sender));
  for (const [name, value] of spec.senderAttributes ?? []) envelope.push(attribute(name, value));
  const rcptIndexes = spec.recipients.map((r) => pushRecipient(envelope, r));
  envelope.push(encodeRecord(REC.MESG));

  const content = encodeContent(spec.content);
  const tail = [encodeRecord(REC.XTRA)];
  for (const [name, value] of spec.extractedAttributes ?? []) tail.push(attribute(name, value));
  tail.push(encodeRecord(REC.END));

  // The SIZE record has a fixed length as long as every field fits in 15 digits.
  const notifyUnion = spec.recipients.reduce((acc, r) => acc | (r.notifyFlags ?? 0), 0);
  const placeholder = encodeRecord(REC.SIZE, formatSizeRecord({
    dataSize: 0, dataOffset: 0, recipientCount: 0, qmgrFlags: 0, contentLength: 0, smtputf8: 0,
  }));
  const dataOffset = placeholder.length + envelope.reduce((n, b) => n + b.length, 0);
  const dataSize = content.reduce((n, b) => n + b.length, 0);
  const size: SizeFields = {
    dataSize,
    dataOffset,
    recipientCount: spec.recipients.length,
    qmgrFlags: (notifyUnion & 0xf) << 1,
    contentLength: dataSize,
    smtputf8: spec.smtputf8 ?? 0,
  };
  const sizeRecord = encodeRecord(REC.SIZE, formatSizeRecord(size));
  if (sizeRecord.length !== placeholder.length) throw new RangeError('size record fields wider than 15 digits');
  // Running offsets: one pass (a per-record prefix sum is quadratic at 65,000 recipients).
  const starts: number[] = [];
  let at = sizeRecord.length;
  for (const part of envelope) starts.push(at), (at += part.length);
  const recipientOffsets = rcptIndexes.map((i) => starts[i]!);
  return { bytes: Buffer.concat([sizeRecord, ...envelope, ...content, ...tail] as Buffer[]), recipientOffsets, size };
}

export interface MaildropSpec {
  arrival: { seconds: number; microseconds: number };
  fullName?: string | null;
  sender: string;
  recipients: readonly string[];
  content: Data;
}

/** A file as postdrop writes it into maildrop/: T, A rewrite_context=local, F, S, R..., M, content, X, E. */
export function buildMaildropFile(spec: MaildropSpec): Buffer {
  const parts: Buffer[] = [encodeRecord(REC.TIME, `${spec.arrival.seconds} ${spec.arrival.microseconds}`)];
  parts.push(attribute('rewrite_context', 'local'));
  if (spec.fullName !== undefined && spec.fullName !== null) parts.push(encodeRecord(REC.FULL, spec.fullName));
  parts.push(encodeRecord(REC.FROM, spec.sender));
  for (const r of spec.recipients) parts.push(encodeRecord(REC.RCPT, r));
  parts.push(encodeRecord(REC.MESG), ...encodeContent(spec.content), encodeRecord(REC.XTRA), encodeRecord(REC.END));
  return Buffer.concat(parts);
}

/** Postfix's quote_822_local for the old-style line: quote a local part with specials or blanks. */
export function quoteAddress(address: string): string {
  const at = address.lastIndexOf('@');
  const local = at < 0 ? address : address.slice(0, at);
  const domain = at < 0 ? '' : address.slice(at);
  const needsQuotes = /[\s"(),:;<>@[\\\]]|^\.|\.$|\.\./.test(local);
  if (!needsQuotes) return address;
  return `"${local.replace(/(["\\])/g, '\\$1')}"${domain}`;
}

export interface DeferLogSpec {
  recipient: string;
  /** Offset of the recipient's R record. */
  offset: number;
  originalRecipient?: string | null;
  dsnOrigRcpt?: string | null;
  notifyFlags?: number;
  /** DSN status, e.g. `4.7.1`. */
  status: string;
  reason: string;
  action?: string;
}

/**
 * One entry as bounce_append_service writes it: a blank line, the old-style line, the
 * name=value lines in their fixed order, a blank line. Append entries to defer/ID in order.
 */
export function formatDeferLogEntry(e: DeferLogSpec): string {
  const lines = ['', `<${quoteAddress(e.recipient)}>: ${e.reason}`, `recipient=${e.recipient || '<>'}`];
  const orig = e.originalRecipient;
  if (orig && orig.toLowerCase() !== e.recipient.toLowerCase()) lines.push(`original_recipient=${orig}`);
  lines.push(`offset=${e.offset}`);
  if (e.dsnOrigRcpt) lines.push(`dsn_orig_rcpt=${e.dsnOrigRcpt}`);
  if (e.notifyFlags) lines.push(`notify_flags=${e.notifyFlags}`);
  lines.push(`status=${e.status}`, `action=${e.action ?? 'delayed'}`, `reason=${e.reason}`, '');
  return lines.join('\n') + '\n';
}

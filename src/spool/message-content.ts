/**
 * A queue file's message content for the `header:` and `body:` filters: the primary headers
 * (unfolded, names lower-cased, RFC 2047 words decoded) and the body text, read the way
 * postcat -h / -b reads them (content records between the `M` and `X` markers; a line that
 * is not a header and not a continuation ends the headers).
 *
 * Contract: pure, never throws. Text is raw (sanitize before display). The body is cut at
 * `maxBodyBytes` (`truncated` says so): a search reads a bounded amount of every file. A
 * damaged file gives what was read before the damage.
 */
import { decodeEncodedWords } from './encoded-words.js';
import { REC } from './rec-type.js';
import { RecordReader } from './record.js';

export interface MessageHeader {
  /** Lower-cased header name. */
  name: string;
  /** The value, folded lines joined, encoded words decoded. */
  value: string;
}

export interface MessageContent {
  headers: MessageHeader[];
  body: string;
  /** The body went past maxBodyBytes and was cut there. */
  truncated: boolean;
}

/** Bodies are searched in their first 16 MiB. */
export const CONTENT_BODY_MAX = 16 * 1024 * 1024;

/** is_header(): printable ASCII name (no space, no colon), optional blanks, then a colon. */
function headerNameLength(data: Buffer): number {
  let i = 0;
  while (i < data.length && data[i]! > 0x20 && data[i]! < 0x7f && data[i] !== 0x3a) i++;
  if (i === 0) return 0;
  let j = i;
  while (j < data.length && (data[j] === 0x20 || data[j] === 0x09)) j++;
  return data[j] === 0x3a ? i : 0;
}

/**
 * `inMaildrop`: the file is postdrop's (no size record to trust); elsewhere the size record's
 * data offset is followed straight to the content, as postcat -h/-b do: the envelope (which
 * may hold thousands of recipients, or be damaged) is not walked.
 */
export function extractMessageContent(reader: RecordReader, maxBodyBytes = CONTENT_BODY_MAX, inMaildrop = false): MessageContent {
  const headers: MessageHeader[] = [];
  const rawHeaders: string[] = [];
  const body: Buffer[] = [];
  let bodyBytes = 0;
  let truncated = false;
  let state: 'envelope' | 'header' | 'body' = 'envelope';
  let prevType = 0;
  for (let rec = reader.next(); rec; rec = reader.next()) {
    const { type, data } = rec;
    if (type === REC.MESG) {
      state = 'header';
      prevType = 0;
      continue;
    }
    if (type === REC.XTRA || type === REC.END) break;
    if (type === REC.SIZE && state === 'envelope' && !inMaildrop) {
      const offset = Number(/^\s*\d+\s+(\d+)/.exec(data.toString('latin1'))?.[1] ?? 0);
      // A zero offset is a file cleanup never finished: walk on to its M record, if any.
      if (offset > 0) {
        reader.seek(offset);
        state = 'header';
        prevType = 0;
      }
      continue;
    }
    if (state === 'envelope' || (type !== REC.NORM && type !== REC.CONT)) continue;
    if (state === 'header') {
      const continued = prevType === REC.CONT || data[0] === 0x20 || data[0] === 0x09;
      if (continued && rawHeaders.length > 0) {
        rawHeaders[rawHeaders.length - 1] += (prevType === REC.CONT ? '' : '\n') + data.toString('utf8');
      } else if (headerNameLength(data) > 0) {
        rawHeaders.push(data.toString('utf8'));
      } else {
        state = 'body';
      }
    }
    if (state === 'body') {
      if (bodyBytes + data.length + 1 > maxBodyBytes) {
        truncated = true;
        break;
      }
      body.push(data);
      if (type === REC.NORM) body.push(NEWLINE);
      bodyBytes += data.length + 1;
    }
    prevType = type;
  }
  for (const raw of rawHeaders) {
    const colon = raw.indexOf(':');
    const value = raw.slice(colon + 1).replace(/\r?\n[ \t]*/g, ' ').trim();
    headers.push({ name: raw.slice(0, colon).trim().toLowerCase(), value: decodeEncodedWords(value) });
  }
  return { headers, body: Buffer.concat(body).toString('utf8'), truncated };
}

const NEWLINE = Buffer.from('\n');

/** The content of a whole queue file's bytes (a fleet target's `read` answer) at `path`. */
export function messageContentOfBytes(bytes: Buffer, path: string): MessageContent {
  return extractMessageContent(new RecordReader(bytes), undefined, path.startsWith('maildrop/'));
}

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

export function formatPostcat(bytes: Buffer, options: PostcatOptions): PostcatResult {
  const any = options.envelope || options.headers || options.body;
  const printEnv = !any || !!options.envelope;
  const printHeader = !any || !!options.headers;
  const printBody = !any || !!options.body;
  const printText = printHeader || printBody;
  const out: Buffer[] = [];
  const put = (s: string | Buffer) => out.push(typeof s === 'string' ? Buffer.from(s, 'utf8') : s);
  const warnings: string[] = [];
  const marker = (text: string) => put(`*** ${text} ${options.path} ***\n`);
  const finish = (error: Diagnostic | null): PostcatResult => ({
    text: printable(Buffer.concat(out).toString('utf8'), { keepTab: true, keepNewline: true }),
    error,
    warnings,
  });

  // postcat prints nothing for an empty file; for postq that is a damaged file all the same.
  if (bytes.length === 0) return finish({ offset: 0, recordType: null, problem: 'empty file: no records' });
  if (!SEGMENT_TYPES.envelope.includes(String.fromCharCode(bytes[0]!))) {
    return finish({ offset: 0, recordType: bytes[0]!, problem: 'input is not a valid queue file' });
  }
  if (printEnv) marker('ENVELOPE RECORDS');
  const reader = new RecordReader(bytes);
  let state: State = 'envelope';
  let doPrint = printEnv;
  let prevType = 0;
  let dataOffset = -1;
  let dataSize = -1;
  const inMaildrop = options.path.startsWith('maildrop/');

  for (;;) {
    const rec = reader.next();
    if (!rec) break;
    const type = rec.type;
    const text = type === REC.CONT || type === REC.NORM;
    if (text) {
      if (state === 'header' && printText && prevType !== REC.CONT && !(isHeader(rec.data) || rec.data[0] === 0x20 || rec.data[0] === 0x09)) {
        state = 'body';
        doPrint = printBody;
        if (!doPrint && !printEnv) break;
        if (!doPrint && printEnv && dataOffset > 0 && dataSize >= 0) reader.seek(dataOffset + dataSize);
      }
    } else if (type === REC.MESG) {
      if (state !== 'envelope') warnings.push(`${options.path}: out-of-order message content marker`);
      if (printEnv) marker('MESSAGE CONTENTS');
      if (!printText && dataOffset > 0 && dataSize >= 0) reader.seek(dataOffset + dataSize);
      state = 'header';
      doPrint = printHeader;
      continue;
    } else if (type === REC.XTRA) {
      if (state === 'envelope') warnings.push(`${options.path}: out-of-order extracted segment marker`);
      if (doPrint && prevType === REC.CONT) put('\n');
      if (printEnv) marker('HEADER EXTRACTED');
      state = 'envelope';
      doPrint = printEnv;
      if (!doPrint) break;
      continue;
    } else if (type === REC.END) {
      if (state !== 'envelope') warnings.push(`${options.path}: out-of-order message end marker`);
      if (printEnv) marker('MESSAGE FILE END');
      break;
    } else if (type === REC.SIZE) {
      if (doPrint) put(Buffer.concat([Buffer.from('message_size: '), cString(rec.data), Buffer.from('\n')]));
      if (inMaildrop) continue;
      if (dataSize >= 0 || dataOffset >= 0) {
        warnings.push('file contains multiple size records');
        continue;
      }
      const m = /^\s*([-+]?\d+)\s+([-+]?\d+)/.exec(cString(rec.data).toString('latin1'));
      dataSize = m ? Number(m[1]) : 0;
      dataOffset = m ? Number(m[2]) : 0;
      if (!m || dataOffset <= 0 || dataSize <= 0) warnings.push(`invalid size record: ${rec.data.toString('latin1').slice(0, 100)}`);
      // Without -e postcat jumps straight to the content (to offset 0 for an all-zero size
      // record: it then shows the envelope again in header state, and so do we).
      if (!printEnv) {
        if (dataOffset < 0) {
          reader.error = { offset: rec.offset, recordType: type, problem: `seek error: bad data offset ${dataOffset} in size record` };
          break;
        }
        reader.seek(dataOffset);
        state = 'header';
        doPrint = printHeader;
      }
      continue;
    }
    if (!doPrint) continue;
    printRecord(rec.type, rec.data, state, put, warnings, options.path);
    prevType = type === REC.CONT && state === 'envelope' ? 0 : type;
  }
  const error = reader.error ? { ...reader.error } : null;
  return finish(error);
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

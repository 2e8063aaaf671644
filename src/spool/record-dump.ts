/**
 * A record-by-record dump of a queue file in file order (like `postcat -vor`), for the
 * message pane when a file is damaged: offset, type, length, label and a printable preview
 * of the data, then the point where reading failed and why.
 *
 * Contract: pure and total; lines are sanitized with printable(); at most `maxRecords` lines
 * of records (a damaged file can hold garbage that parses as millions of tiny records).
 */
import type { Diagnostic } from '../domain/entry.js';
import { printable } from './printable.js';
import { describeRecordType, isAllowedIn, REC, recordLabel, type Segment } from './rec-type.js';
import { RecordReader } from './record.js';

export interface RecordDump {
  lines: string[];
  diagnostics: Diagnostic[];
}

const PREVIEW_CHARS = 120;

/** Where a dump stands: the reader (raw file order) and the segment its records belong to. */
export interface DumpCursor {
  reader: RecordReader;
  segment: Segment;
}

/** A raw-order reader over `bytes` (a whole file, or a first window with `fetch` for the rest). */
export function dumpCursor(bytes: Buffer, window?: { fileSize: number; fetch(offset: number, length: number): Buffer }): DumpCursor {
  // Raw file order: pointers are shown, not followed; records after the end record (the
  // heap that pointers lead to) are shown too.
  return { reader: new RecordReader(bytes, 0, { raw: true, followPointers: false, ...window }), segment: 'envelope' };
}

/**
 * Up to `maxRecords` records from `cursor` on (it moves): their lines, what was damaged, and
 * whether the file's records are all read (`done`; the reader's error, if any, is the last line).
 */
export function dumpSome(cursor: DumpCursor, size: number, maxRecords: number): RecordDump & { done: boolean } {
  const lines: string[] = [];
  const diagnostics: Diagnostic[] = [];
  const reader = cursor.reader;
  let count = 0;
  let done = false;
  while (count < maxRecords) {
    const rec = reader.next();
    if (!rec) {
      if (reader.ended && reader.pos < size) {
        reader.ended = false;
        continue;
      }
      done = true;
      break;
    }
    count++;
    // Pointers and padding may stand anywhere; anything else must fit its segment, or qmgr
    // moves the file to corrupt/.
    const misplaced = rec.type !== REC.PTR && rec.type !== REC.DTXT && !isAllowedIn(cursor.segment, rec.type);
    if (rec.type === REC.MESG) cursor.segment = 'content';
    else if (rec.type === REC.XTRA) cursor.segment = 'extracted';
    const text = rec.data.subarray(0, PREVIEW_CHARS * 4).toString('utf8');
    const preview = text.length > PREVIEW_CHARS || rec.data.length > PREVIEW_CHARS * 4 ? text.slice(0, PREVIEW_CHARS) + '…' : text;
    lines.push(
      `${String(rec.offset).padStart(9)} ${describeRecordType(rec.type).padEnd(9)} ${String(rec.data.length).padStart(6)} ` +
        `${recordLabel(rec.type)}: ${printable(preview)}`,
    );
    if (misplaced) {
      const problem = `unexpected record type ${describeRecordType(rec.type)} in the ${cursor.segment} segment`;
      diagnostics.push({ offset: rec.offset, recordType: rec.type, problem });
      lines.push(`${String(rec.offset).padStart(9)} !! damaged here: ${problem}`);
    }
  }
  if (!done && reader.pos >= size && !reader.error) done = true;
  if (reader.error) {
    done = true;
    diagnostics.push({ ...reader.error });
    lines.push(`${String(reader.error.offset).padStart(9)} !! damaged here: ${printable(reader.error.problem)}`);
  }
  return { lines, diagnostics, done };
}

export function dumpRecords(bytes: Buffer, maxRecords = 5000): RecordDump {
  const cursor = dumpCursor(bytes);
  const { lines, diagnostics, done } = dumpSome(cursor, bytes.length, maxRecords);
  if (!done && cursor.reader.pos < bytes.length) {
    lines.push(`${String(cursor.reader.pos).padStart(9)} … ${bytes.length - cursor.reader.pos} more bytes not shown`);
  } else if (bytes.length === 0) {
    diagnostics.push({ offset: 0, recordType: null, problem: 'empty file: no records' });
    lines.push('        0 !! empty file: no records');
  }
  return { lines, diagnostics };
}

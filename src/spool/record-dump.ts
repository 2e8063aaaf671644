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

export function dumpRecords(bytes: Buffer, maxRecords = 5000): RecordDump {
  const lines: string[] = [];
  const diagnostics: Diagnostic[] = [];
  // Raw file order: pointers are shown, not followed; records after the end record (the
  // heap that pointers lead to) are shown too.
  const reader = new RecordReader(bytes, 0, { raw: true, followPointers: false });
  let count = 0;
  let segment: Segment = 'envelope';
  while (count < maxRecords) {
    const rec = reader.next();
    if (!rec) {
      if (reader.ended && reader.pos < bytes.length) {
        reader.ended = false;
        continue;
      }
      break;
    }
    count++;
    // Pointers and padding may stand anywhere; anything else must fit its segment, or qmgr
    // moves the file to corrupt/.
    const misplaced = rec.type !== REC.PTR && rec.type !== REC.DTXT && !isAllowedIn(segment, rec.type);
    if (rec.type === REC.MESG) segment = 'content';
    else if (rec.type === REC.XTRA) segment = 'extracted';
    const text = rec.data.toString('utf8');
    const preview = text.length > PREVIEW_CHARS ? text.slice(0, PREVIEW_CHARS) + '…' : text;
    lines.push(
      `${String(rec.offset).padStart(9)} ${describeRecordType(rec.type).padEnd(9)} ${String(rec.data.length).padStart(6)} ` +
        `${recordLabel(rec.type)}: ${printable(preview)}`,
    );
    if (misplaced) {
      const problem = `unexpected record type ${describeRecordType(rec.type)} in the ${segment} segment`;
      diagnostics.push({ offset: rec.offset, recordType: rec.type, problem });
      lines.push(`${String(rec.offset).padStart(9)} !! damaged here: ${problem}`);
    }
  }
  if (reader.error) {
    diagnostics.push({ ...reader.error });
    lines.push(`${String(reader.error.offset).padStart(9)} !! damaged here: ${printable(reader.error.problem)}`);
  } else if (count >= maxRecords && reader.pos < bytes.length) {
    lines.push(`${String(reader.pos).padStart(9)} … ${bytes.length - reader.pos} more bytes not shown`);
  } else if (bytes.length === 0) {
    diagnostics.push({ offset: 0, recordType: null, problem: 'empty file: no records' });
    lines.push('        0 !! empty file: no records');
  }
  return { lines, diagnostics };
}

/**
 * Where a queue file's message content lies in its bytes when it lies there plainly: the run of
 * records from the size record's data offset (where postcat -h/-b and message-content.ts start)
 * to the `X` record, every one of them an `N` record (or a null pointer), all in the buffer. In
 * such a run every header and body line is a contiguous stretch of the raw bytes, so a word
 * that is in the body text (message-content.ts joins `N` records with a newline) is in the raw
 * run too: the body: search (store/content-bytes.ts) looks at the raw run first and reads the
 * content the exact way only when the word is there.
 *
 * Contract: pure, never throws. Null for anything else, which the caller reads the exact way:
 * maildrop (no size record to trust), a missing or zero data offset, an `L` continuation (a
 * long line split into records: a word may straddle the split), a pointer that jumps (content
 * elsewhere in the file), padding or any other record type, a record that runs past the buffer,
 * or a buffer that does not hold the whole file.
 */
import { REC } from './rec-type.js';

export interface ContentSpan {
  /** The data offset: the first header record. */
  start: number;
  /** The offset of the `X` (or `E`) record that ends the content. */
  end: number;
}

/** The size record's second number, as message-content.ts reads it. */
const DATA_OFFSET = /^\s*\d+\s+(\d+)/;
const NULL_POINTER = /^\s*0+$/;

export function plainContentSpan(buf: Buffer, fileSize: number, inMaildrop: boolean): ContentSpan | null {
  if (inMaildrop || buf.length < fileSize || buf[0] !== REC.SIZE) return null;
  const sizeData = dataAt(buf, 0);
  if (sizeData < 0) return null;
  const start = Number(DATA_OFFSET.exec(buf.toString('latin1', sizeData, recordEnd))?.[1] ?? 0);
  if (!(start > 0)) return null;
  for (let p = start; p < buf.length; ) {
    const type = buf[p];
    const data = dataAt(buf, p);
    if (data < 0) return null;
    if (type === REC.XTRA || type === REC.END) return { start, end: p };
    if (type === REC.PTR) {
      if (!NULL_POINTER.test(buf.toString('latin1', data, recordEnd))) return null;
    } else if (type !== REC.NORM) return null;
    p = recordEnd;
  }
  return null;
}

/** Set by dataAt(): the end of the record it read (a number, not an object: ~100 records a file). */
let recordEnd = 0;

/** Where the data of the record at `p` starts (recordEnd: where it ends); -1 when its length is malformed or runs past the buffer. */
function dataAt(buf: Buffer, p: number): number {
  let length = 0;
  let scale = 1;
  let q = p + 1;
  for (let n = 0; ; n++) {
    // record.ts's limit: at most 5 length bytes.
    if (n >= 5 || q >= buf.length) return -1;
    const byte = buf[q++]!;
    length += (byte & 0x7f) * scale;
    scale *= 128;
    if ((byte & 0x80) === 0) break;
  }
  recordEnd = q + length;
  return recordEnd <= buf.length ? q : -1;
}

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
import { walkRecords } from './record.js';

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
  let sizeData = '';
  if (walkRecords(buf, 0, (_type, data, end) => ((sizeData = buf.toString('latin1', data, end)), false)) !== 0) return null;
  const start = Number(DATA_OFFSET.exec(sizeData)?.[1] ?? 0);
  if (!(start > 0)) return null;
  let plain = true;
  const end = walkRecords(buf, start, (type, data, end) => {
    if (type === REC.XTRA || type === REC.END) return false;
    plain = type === REC.NORM || (type === REC.PTR && NULL_POINTER.test(buf.toString('latin1', data, end)));
    return plain;
  });
  return end >= 0 && plain ? { start, end } : null;
}

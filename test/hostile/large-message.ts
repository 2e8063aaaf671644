/**
 * A well-formed queue file just over the pane's whole-file limit (PANE_WHOLE_MAX and the
 * remote read's MAX_READ_BYTES, both 8 MB): 90,000 body lines, about 8.5 MB, with FIRST-WORD
 * near the top of the body and LAST-WORD near its end (past the first 8 MB). Built once per
 * test file, as one string: fast.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { expect } from 'vitest';
import { REC } from '../../src/spool/rec-type.js';
import { encodeRecord, formatSizeRecord } from '../../src/spool/queue-file-writer.js';

export const LINES = 90_000;

let built: Buffer | undefined;
/** A well-formed queue file of about 8.5 MB: FIRST-WORD near the top of the body, LAST-WORD near its end. */
export function messageBytes(): Buffer {
  if (built) return built;
  const envelope = [encodeRecord(REC.TIME, '1764359000 0'), encodeRecord(REC.FROM, 'big@sender.example'), encodeRecord(REC.RCPT, 'rcpt@far.example'), encodeRecord(REC.MESG)];
  // Body lines as N records (each under 128 bytes: one length byte), built as one string: fast.
  const fill = 'y'.repeat(80);
  const parts: string[] = [];
  for (let j = 0; j < LINES; j++) {
    const word = j === 10 ? 'FIRST-WORD' : j === LINES - 10 ? 'LAST-WORD' : 'x';
    const line = `line ${j} ${word} ${fill}`;
    parts.push(`N${String.fromCharCode(line.length)}${line}`);
  }
  const content = Buffer.concat([encodeRecord(REC.NORM, 'Subject: a large message'), encodeRecord(REC.NORM, ''), Buffer.from(parts.join(''), 'latin1')]);
  const tail = Buffer.concat([encodeRecord(REC.XTRA), encodeRecord(REC.END)]);
  const sizeOf = (dataOffset: number) => encodeRecord(REC.SIZE, formatSizeRecord({ dataSize: content.length, dataOffset, recipientCount: 1, qmgrFlags: 0, contentLength: content.length, smtputf8: 0 }));
  const head = Buffer.concat(envelope);
  const dataOffset = sizeOf(0).length + head.length;
  const size = sizeOf(dataOffset);
  expect(size.length).toBe(sizeOf(0).length);
  return (built = Buffer.concat([size, head, content, tail]));
}


/** Write the message at `path` (its directories made), mode 0700 as a finished queue file. */
export function writeLargeMessage(path: string): Buffer {
  const bytes = messageBytes();
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, bytes, { mode: 0o700 });
  return bytes;
}

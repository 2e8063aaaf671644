/**
 * How the demo's damaged files are damaged, the two ways qmgr meets in practice: a file cut
 * short (a full disk, a crash while copying a spool) and a record type byte that is not a
 * record type (a bad block, a bit flip). Pure; returns a new buffer.
 */
import { REC } from '../spool/rec-type.js';
import { RecordReader } from '../spool/record.js';
import type { Random } from './random.js';

export type Damage = 'truncated' | 'bad-record-type';

export function damageFile(bytes: Buffer, rnd: Random, kind: Damage = rnd.chance(0.5) ? 'truncated' : 'bad-record-type'): Buffer {
  if (kind === 'truncated') return Buffer.from(bytes.subarray(0, Math.floor(bytes.length * (0.3 + rnd.next() * 0.6))));
  // Overwrite the type byte of an envelope record after the sender: qmgr then reports
  // "unexpected record type" and saves the file in corrupt/.
  const reader = new RecordReader(bytes);
  const candidates: number[] = [];
  let sawSender = false;
  for (let rec = reader.next(); rec && rec.type !== REC.MESG; rec = reader.next()) {
    if (rec.type === REC.FROM) sawSender = true;
    else if (sawSender) candidates.push(rec.offset);
  }
  const copy = Buffer.from(bytes);
  copy[candidates.length > 0 ? rnd.pick(candidates) : 0] = 0x5a; // 'Z': no such record type
  return copy;
}

/**
 * The numbers and fields inside a queue file record's data, read as showq and qmgr read them:
 * the size record's fields, atol() of a time, the `=` of a named attribute. On bytes, without a
 * string for the usual record (one per message on the hot path of every listing).
 */

export interface SizeRecord {
  dataSize: number;
  dataOffset: number;
  recipientCount: number;
  /** True when field 1 is a valid size (showq uses it; else the file size). */
  valid: boolean;
}

/** showq's atol(): leading blanks, optional sign, digits. */
export function leadingInteger(data: Buffer, start = 0, end = data.length): number {
  // The usual record starts with its digits: read them without a string (15 stay exact).
  let value = 0;
  let i = start;
  while (i < end && i - start < 15 && data[i]! >= 0x30 && data[i]! <= 0x39) value = value * 10 + (data[i++]! - 0x30);
  if (i > start && (i === end || data[i]! < 0x30 || data[i]! > 0x39)) return value;
  const m = /^\s*([-+]?\d+)/.exec(data.toString('latin1', start, end));
  return m ? Number(m[1]) : 0;
}

/** The offset of the first `=` in an attribute record (data[start, end)), or -1. */
export function equalsAt(data: Uint8Array, start = 0, end = data.length): number {
  for (let i = start; i < end; i++) if (data[i] === 0x3d) return i;
  return -1;
}

/** The usual size record: digit runs (at most 15 digits: exact as numbers) between spaces. */
function plainSizeFields(data: Buffer, start: number, end: number): number[] | null {
  const fields: number[] = [];
  let value = -1;
  let digits = 0;
  for (let i = start; i < end; i++) {
    const ch = data[i]!;
    if (ch === 0x20) {
      if (value >= 0) fields.push(value);
      value = -1;
    } else if (ch >= 0x30 && ch <= 0x39) {
      if (value < 0) (value = 0), (digits = 0);
      if (++digits > 15) return null;
      value = value * 10 + (ch - 0x30);
    } else {
      return null;
    }
  }
  if (value >= 0) fields.push(value);
  return fields.length > 0 ? fields : null;
}

/**
 * The size record in data[start, end). The record's data is given as a range of the reader's
 * window, not a view of it: each view is a new Buffer, and a queue file's parse made five
 * (the size, time and create_time records here, and a client attribute each), at about a
 * quarter of a microsecond apiece.
 */
export function parseSize(data: Buffer, start = 0, end = data.length): SizeRecord {
  const plain = plainSizeFields(data, start, end);
  if (plain) {
    return { dataSize: plain[0]!, dataOffset: plain[1] ?? 0, recipientCount: plain[2] ?? 0, valid: true };
  }
  const text = data.toString('latin1', start, end);
  const fields = text.trim().split(/\s+/).map(Number);
  const valid = /^[\d ]+$/.test(text) && (fields[0] ?? -1) >= 0;
  return {
    dataSize: fields[0] ?? 0,
    dataOffset: fields[1] ?? 0,
    recipientCount: fields[2] ?? 0,
    valid,
  };
}

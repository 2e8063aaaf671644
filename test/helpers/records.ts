/**
 * Build queue-file bytes record by record, for table-driven edge cases the corpus does not
 * hold (pointer chains, padding, odd lengths). Encoding per Postfix record.c.
 */
export function encodeLength(length: number): Buffer {
  const bytes: number[] = [];
  let n = length;
  do {
    let byte = n % 128;
    n = Math.floor(n / 128);
    if (n > 0) byte |= 0x80;
    bytes.push(byte);
  } while (n > 0);
  return Buffer.from(bytes);
}

export function rec(type: string, data: string | Buffer = ''): Buffer {
  const body = typeof data === 'string' ? Buffer.from(data, 'latin1') : data;
  return Buffer.concat([Buffer.from(type, 'latin1'), encodeLength(body.length), body]);
}

/** A pointer record as cleanup writes it: 15-wide right-aligned decimal. */
export function ptr(offset: number): Buffer {
  return rec('p', String(offset).padStart(15));
}

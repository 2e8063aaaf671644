/**
 * Making untrusted text safe: addresses, headers, bodies and reasons come from strangers.
 *
 * - showqAddress(): what showq prints for an envelope address (quote_822_local + printable),
 *   byte for byte, so `postq list` matches mailq.
 * - printable(): the one terminal sanitizer. Every C0/C1 control, DEL, escape sequence
 *   introducer and bidi control becomes visible, harmless text (caret or <U+XXXX> notation).
 *   Nothing that leaves postq for a terminal skips it.
 * Pure; never throws.
 */

/** Postfix printable() with UTF-8 enabled: keep ASCII printables and UTF-8 runs, else `?`. */
export function showqPrintableBytes(bytes: Uint8Array): Buffer {
  const out = Buffer.from(bytes);
  const n = out.length;
  for (let i = 0; i < n; i++) {
    const ch = out[i]!;
    if (ch >= 0x20 && ch < 0x7f) continue;
    const next = i + 1 < n ? out[i + 1]! : 0;
    if (ch >= 194 && ch <= 254 && next >= 128 && next < 192) {
      while (i + 1 < n && out[i + 1]! >= 128 && out[i + 1]! < 192) i++;
      continue;
    }
    out[i] = 0x3f; // '?'
  }
  return out;
}

/** True when every byte is a printable ASCII character (0x20-0x7e): printable() keeps it as is. */
export function isPlainAscii(bytes: Uint8Array, start = 0, end = bytes.length): boolean {
  for (let i = start; i < end; i++) {
    const ch = bytes[i]!;
    if (ch < 0x20 || ch >= 0x7f) return false;
  }
  return true;
}

/** Bytes below 0x80 decode the same as latin1 and UTF-8; latin1 is the cheaper decoder. */
function latin1(bytes: Uint8Array): string {
  return Buffer.isBuffer(bytes) ? bytes.toString('latin1') : Buffer.from(bytes).toString('latin1');
}

/** Postfix printable() on a string of bytes, decoded as UTF-8. */
export function showqPrintable(bytes: Uint8Array): string {
  // The common case (plain ASCII) needs no copy and no UTF-8 decoder.
  if (isPlainAscii(bytes)) return latin1(bytes);
  return showqPrintableBytes(bytes).toString('utf8');
}

const SPECIALS = new Set('()<>@,;:\\"[]'.split('').map((c) => c.charCodeAt(0)));

/** quote_822_local's test: is the local part bytes[start, end) a dot-atom that needs no quotes? (8-bit clean) */
function isDotString(bytes: Uint8Array, start = 0, end = bytes.length): boolean {
  if (end <= start || bytes[start] === 0x2e) return false;
  for (let i = start; i < end; i++) {
    const ch = bytes[i]!;
    if (ch === 0x2e && i + 1 < end && bytes[i + 1] === 0x2e) return false;
    if (ch === 0x20 || ch < 0x20 || ch === 0x7f || SPECIALS.has(ch)) return false;
  }
  return bytes[end - 1] !== 0x2e;
}

/** quote_822_local(): quote the local part (before the last `@`) when RFC 822 needs it. */
export function quote822Local(address: Uint8Array): Buffer {
  const buf = Buffer.from(address);
  const at = buf.lastIndexOf(0x40);
  const local = at < 0 ? buf : buf.subarray(0, at);
  if (isDotString(local)) return buf;
  const parts: number[] = [0x22];
  for (const ch of local) {
    if (ch === 0x22 || ch === 0x5c || ch === 0x0d) parts.push(0x5c);
    parts.push(ch);
  }
  parts.push(0x22);
  return Buffer.concat([Buffer.from(parts), at < 0 ? Buffer.alloc(0) : buf.subarray(at)]);
}

/**
 * showqAddress(bytes.subarray(start, end)), without the view for the usual address (plain
 * ASCII, a local part that needs no quotes): parseQueueFile reads addresses in place.
 */
export function showqAddressIn(bytes: Buffer, start: number, end: number, emptyAddress = 'MAILER-DAEMON'): string {
  if (end > start && isPlainAscii(bytes, start, end)) {
    let at = end - 1;
    while (at >= start && bytes[at] !== 0x40) at--;
    if (isDotString(bytes, start, at < start ? end : at)) return bytes.toString('latin1', start, end);
  }
  return showqAddress(bytes.subarray(start, end), emptyAddress);
}

/** An envelope address as showq reports it; empty becomes empty_address_recipient. */
export function showqAddress(raw: Uint8Array, emptyAddress = 'MAILER-DAEMON'): string {
  // Fast path: plain ASCII whose local part needs no quotes is printed as it is.
  if (raw.length > 0 && isPlainAscii(raw)) {
    const at = raw.lastIndexOf(0x40);
    if (isDotString(at < 0 ? raw : raw.subarray(0, at))) return latin1(raw);
  }
  const bytes = raw.length === 0 ? Buffer.from(emptyAddress, 'utf8') : raw;
  return showqPrintable(quote822Local(bytes));
}

export interface PrintableOptions {
  /** Keep TAB as it is (postcat output); otherwise it is shown as ^I. */
  keepTab?: boolean;
  /** Keep LF as it is (multi-line text); otherwise it is shown as ^J. */
  keepNewline?: boolean;
}

// C0, DEL, C1, and the bidi/invisible format controls that can reorder or hide what a
// terminal shows (Trojan Source): ALM, LRM/RLM, LRE..RLO, LRI..PDI, plus line/paragraph
// separators and BOM that some terminals act on.
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069\ufeff]/g;

function visible(ch: string, options: PrintableOptions): string {
  const code = ch.charCodeAt(0);
  if (code === 0x09 && options.keepTab) return ch;
  if (code === 0x0a && options.keepNewline) return ch;
  if (code < 0x20) return '^' + String.fromCharCode(code + 0x40);
  if (code === 0x7f) return '^?';
  return `<U+${code.toString(16).toUpperCase().padStart(4, '0')}>`;
}

/** The terminal sanitizer: control and bidi characters become visible text. */
export function printable(text: string, options: PrintableOptions = {}): string {
  UNSAFE.lastIndex = 0;
  if (!UNSAFE.test(text)) return text;
  return text.replace(UNSAFE, (ch) => visible(ch, options));
}

/** True when text would reach a terminal unchanged by printable(). */
export function isPrintable(text: string): boolean {
  UNSAFE.lastIndex = 0;
  return !UNSAFE.test(text);
}

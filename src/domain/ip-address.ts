/**
 * IPv4 and IPv6 addresses and CIDR blocks as the filter's `client:` reads them
 * (`client:203.0.113.0/24`, `client:2001:db8::/32`, `client:192.0.2.7`). Postfix writes
 * client_address as a bare address (`192.0.2.7`, `2001:db8::1`), never bracketed.
 *
 * Contract: pure, never throws; parse functions return null for text that is not an address
 * or block. An IPv4 block matches IPv4 addresses and their IPv4-mapped IPv6 form
 * (`::ffff:192.0.2.7`, what a dual-stack smtpd may record).
 */

export interface CidrBlock {
  /** 4 bytes (IPv4) or 16 (IPv6). */
  bytes: Uint8Array;
  prefix: number;
}

function parseIpv4(text: string): Uint8Array | null {
  const parts = text.split('.');
  if (parts.length !== 4) return null;
  const out = new Uint8Array(4);
  for (let i = 0; i < 4; i++) {
    const p = parts[i]!;
    if (!/^\d{1,3}$/.test(p) || Number(p) > 255) return null;
    out[i] = Number(p);
  }
  return out;
}

function parseIpv6(text: string): Uint8Array | null {
  if (!/^[0-9a-f:.]+$/i.test(text) || text.split('::').length > 2) return null;
  let tail: Uint8Array | null = null;
  let body = text;
  const lastColon = text.lastIndexOf(':');
  if (text.includes('.')) {
    tail = parseIpv4(text.slice(lastColon + 1));
    if (!tail) return null;
    body = text.slice(0, lastColon + 1) + '0:0';
  }
  const [head, rest] = body.split('::') as [string, string | undefined];
  const groups = (s: string) => (s === '' ? [] : s.split(':'));
  const left = groups(head);
  const right = rest === undefined ? [] : groups(rest);
  const missing = 8 - left.length - right.length;
  if (rest === undefined ? missing !== 0 : missing < 1) return null;
  const all = [...left, ...Array<string>(rest === undefined ? 0 : missing).fill('0'), ...right];
  const out = new Uint8Array(16);
  for (let i = 0; i < 8; i++) {
    const g = all[i]!;
    if (!/^[0-9a-f]{1,4}$/i.test(g)) return null;
    const v = parseInt(g, 16);
    out[2 * i] = v >> 8;
    out[2 * i + 1] = v & 0xff;
  }
  if (tail) out.set(tail, 12);
  return out;
}

/** An address -> 4 or 16 bytes; null when it is neither. */
export function parseIpAddress(text: string): Uint8Array | null {
  return text.includes(':') ? parseIpv6(text) : parseIpv4(text);
}

/** `ADDR/PREFIX` or a bare address (a block of one); null when it is not one. */
export function parseCidr(text: string): CidrBlock | null {
  const slash = text.indexOf('/');
  const bytes = parseIpAddress(slash < 0 ? text : text.slice(0, slash));
  if (!bytes) return null;
  const max = bytes.length * 8;
  if (slash < 0) return { bytes, prefix: max };
  const p = text.slice(slash + 1);
  if (!/^\d{1,3}$/.test(p) || Number(p) > max) return null;
  return { bytes, prefix: Number(p) };
}

const V4_MAPPED = [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff];

/** Whether an address (text, as Postfix wrote it) lies in the block. */
export function cidrContains(block: CidrBlock, address: string): boolean {
  let bytes = parseIpAddress(address);
  if (!bytes) return false;
  if (block.bytes.length === 4 && bytes.length === 16 && V4_MAPPED.every((b, i) => bytes![i] === b)) bytes = bytes.subarray(12);
  if (bytes.length !== block.bytes.length) return false;
  let bits = block.prefix;
  for (let i = 0; bits > 0; i++, bits -= 8) {
    const mask = bits >= 8 ? 0xff : (0xff << (8 - bits)) & 0xff;
    if ((bytes[i]! & mask) !== (block.bytes[i]! & mask)) return false;
  }
  return true;
}

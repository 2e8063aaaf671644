/**
 * The fast reader of a defer log for a listing (the index, `postq list`): its recipients and
 * reasons read on the bytes, for a log whose kept lines are plain text, and the byte helpers
 * defer-log.ts's plain reader shares. Pure; never throws.
 *
 * Contract: plainDeferReasons(bytes) is parseBounceLog(bytes)'s recipients and reasons, or null
 * when a byte it would keep is not plain (the caller then reads the log the general way).
 */
import type { LoggedReason } from './defer-log.js';

/** Does bytes[start, end) (blanks around it ignored, as trim() would) spell `name`? */
export function nameIs(bytes: Buffer, start: number, end: number, name: string): boolean {
  while (start < end && bytes[start] === 0x20) start++;
  while (end > start && bytes[end - 1] === 0x20) end--;
  if (end - start !== name.length) return false;
  for (let i = 0; i < name.length; i++) if (bytes[start + i] !== name.charCodeAt(i)) return false;
  return true;
}

/** bytes[start, end) as text, blanks trimmed (a plain line: only spaces can be blank). */
export function trimmed(bytes: Buffer, start: number, end: number): string {
  while (start < end && bytes[start] === 0x20) start++;
  while (end > start && bytes[end - 1] === 0x20) end--;
  return bytes.toString('latin1', start, end);
}

export const isNameStart = (ch: number) => (ch >= 0x30 && ch <= 0x39) || ((ch | 0x20) >= 0x61 && (ch | 0x20) <= 0x7a);

/** A text decoded from bytes[start, end) (textOf). */
export interface LastText {
  start: number;
  end: number;
  text: string;
}

/**
 * bytes[start, end) as text, blanks trimmed when `trim`; `last` itself when its bytes
 * [last.start, last.end) are the same (a message's recipients usually share one reason: one
 * string for all of them, and a hash computed once where the index interns it).
 */
export function textOf(bytes: Buffer, start: number, end: number, trim: boolean, last: LastText | null): LastText {
  if (trim) {
    while (start < end && bytes[start] === 0x20) start++;
    while (end > start && bytes[end - 1] === 0x20) end--;
  }
  if (last !== null && last.end - last.start === end - start) {
    let i = 0;
    while (i < end - start && bytes[start + i] === bytes[last.start + i]) i++;
    if (i === end - start) return last;
  }
  return { start, end, text: bytes.toString('latin1', start, end) };
}

/**
 * parsePlainLog's recipients and reasons of a defer log, in one pass that also checks that
 * the bytes it keeps are plain (isPlainText): null at the first such byte that is not, and the
 * caller reads the log the general way. Only `<rcpt>: reason` lines, the names of `name=`
 * lines and the values of recipient= and reason= are looked at byte by byte; status=, action=,
 * offset= and dsn_ lines (a third of a log) are skipped to their end. Each line's end, its
 * first `=` and its first `>: ` are found by the same loop, not by a Buffer.indexOf() call each
 * (two or three calls into C++ per line, most of a log's cost). Exported for tests.
 */
export function plainDeferReasons(bytes: Buffer): LoggedReason[] | null {
  const entries: LoggedReason[] = [];
  const n = bytes.length;
  // Plain locals, no closure over them: a closure's variables live in a context object, and
  // the byte loops below read and write them on every line (most of a log's cost in profiles).
  let open = false;
  let rcpt = -1, rcptEnd = -1, reason = -1, reasonEnd = -1;
  let rcptTrim = false, reasonTrim = false;
  let lastReason: LastText | null = null;
  let start = 0;
  while (start < n) {
    const s = start;
    const first = bytes[s]!;
    if (first === 0x0a) {
      start = s + 1;
      if (open) {
        lastReason = pushReason(entries, bytes, rcpt, rcptEnd, rcptTrim, reason, reasonEnd, reasonTrim, lastReason);
        open = false;
        rcpt = rcptEnd = reason = reasonEnd = -1;
      }
      continue;
    }
    open = true;
    if (first === 0x3c) {
      // `<recipient>: reason`: kept, so every byte is checked; its first `>: ` splits it (the
      // rest of the line is then checked without looking for one).
      let split = -1;
      let end = s;
      for (; end < n; end++) {
        const ch = bytes[end]!;
        if (notPlain(ch)) {
          if (ch === 0x0a) break;
          return null;
        }
        if (ch === 0x3e && bytes[end + 1] === 0x3a && bytes[end + 2] === 0x20) {
          split = end;
          break;
        }
      }
      if (split >= 0) end = lineEnd(bytes, split + 3, n);
      if (end < 0) return null;
      start = end + 1;
      if (split < 0) continue;
      (rcpt = s + 1), (rcptEnd = split), (rcptTrim = false);
      (reason = split + 3), (reasonEnd = end), (reasonTrim = false);
      continue;
    }
    // A `name=value` line: its name is checked up to the first `=` (the general way trims it
    // with String.trim(), which a tab or other blank in it would change); only recipient= and
    // reason= are kept, so only their values are checked. Every other line (status=, action=,
    // offset=, dsn_*=, or no name) is skipped to its end unread: the general way ignores it
    // whatever its bytes (README, Benchmark).
    let end = s;
    let keep = 0;
    if (isNameStart(first)) {
      for (; end < n; end++) {
        const ch = bytes[end]!;
        if (notPlain(ch)) {
          if (ch === 0x0a) break;
          return null;
        }
        if (ch === 0x3d) break;
      }
      if (end < n && bytes[end] === 0x3d) {
        const eq = end;
        keep = nameIs(bytes, s, eq, 'recipient') ? 1 : nameIs(bytes, s, eq, 'reason') ? 2 : 0;
        if (keep !== 0) {
          end = lineEnd(bytes, eq + 1, n);
          if (end < 0) return null;
          if (keep === 1) (rcpt = eq + 1), (rcptEnd = end), (rcptTrim = true);
          else (reason = eq + 1), (reasonEnd = end), (reasonTrim = true);
        }
      }
    }
    if (keep === 0) while (end < n && bytes[end] !== 0x0a) end++;
    start = end + 1;
  }
  if (open) pushReason(entries, bytes, rcpt, rcptEnd, rcptTrim, reason, reasonEnd, reasonTrim, lastReason);
  return entries;
}

/**
 * Whether a byte is not plain (0x20-0x7e): one unsigned compare where an LF test and two
 * comparisons ran for every byte of a kept line (plainDeferReasons over the 95,002 logs at 100k:
 * 368 -> 318 ms CPU, medians of 6 alternating passes).
 */
const notPlain = (ch: number) => (ch - 0x20) >>> 0 > 0x5e;

/** The end (its LF, or n) of a kept line from `from`, every byte plain; -1 at one that is not. */
function lineEnd(bytes: Buffer, from: number, n: number): number {
  for (let end = from; end < n; end++) {
    const ch = bytes[end]!;
    if (notPlain(ch)) return ch === 0x0a ? end : -1;
  }
  return n;
}

/** A finished entry of plainDeferReasons (its flush): returns the reason text, shared with the next entry when equal. */
function pushReason(entries: LoggedReason[], bytes: Buffer, rcpt: number, rcptEnd: number, rcptTrim: boolean, reason: number, reasonEnd: number, reasonTrim: boolean, last: LastText | null): LastText | null {
  if (reason >= 0) last = textOf(bytes, reason, reasonEnd, reasonTrim, last);
  let recipient = rcpt < 0 ? '(recipient address unavailable)' : rcptTrim ? trimmed(bytes, rcpt, rcptEnd) : bytes.toString('latin1', rcpt, rcptEnd);
  if (recipient === '') recipient = '(MAILER-DAEMON)';
  entries.push({ recipient, reason: reason < 0 ? '(description unavailable)' : last!.text });
  return last;
}

/**
 * defer/ and bounce/ logfiles -> per-recipient entries, read the way Postfix's bounce_log.c
 * reads them: blank-line separated entries; every line first made printable (`?` for control
 * bytes and invalid UTF-8); `name=value` lines; old-style `<addr>: text` lines; later lines
 * override earlier ones. Pure; never throws; unknown lines are ignored as Postfix ignores them.
 */
import { showqPrintable } from './printable.js';

export interface LogEntry {
  /** Printable quoted recipient, as logged. */
  recipient: string;
  /** The reason text mailq shows. */
  reason: string;
  status: string;
  action: string;
  /** Offset of the recipient's R record, or -1 when not logged. */
  offset: number;
}

export type LogKind = 'defer' | 'bounce';

const DEFAULTS: Record<LogKind, { status: string; action: string }> = {
  defer: { status: '4.0.0', action: 'delayed' },
  bounce: { status: '5.0.0', action: 'failed' },
};

interface Draft {
  recipient: string | null;
  reason: string | null;
  status: string | null;
  action: string | null;
  offset: number;
}

function finish(draft: Draft, kind: LogKind): LogEntry {
  let recipient = draft.recipient ?? '(recipient address unavailable)';
  if (recipient === '') recipient = '(MAILER-DAEMON)';
  return {
    recipient,
    reason: draft.reason ?? '(description unavailable)',
    status: draft.status ?? DEFAULTS[kind].status,
    action: draft.action ?? DEFAULTS[kind].action,
    offset: draft.offset,
  };
}

/** Bytes 0x20-0x7e and LF only: every line is already printable and decodes as latin1. */
function isPlainText(bytes: Uint8Array): boolean {
  for (let i = 0; i < bytes.length; i++) {
    const ch = bytes[i]!;
    if ((ch < 0x20 && ch !== 0x0a) || ch >= 0x7f) return false;
  }
  return true;
}

/** The printable lines, as bounce_log.c reads them (no line after a final LF). */
function printableLines(bytes: Buffer): string[] {
  const lines: string[] = [];
  let start = 0;
  while (start < bytes.length) {
    let end = bytes.indexOf(0x0a, start);
    if (end < 0) end = bytes.length;
    lines.push(showqPrintable(bytes.subarray(start, end)));
    start = end + 1;
  }
  return lines;
}

const NAME_START = /^[A-Za-z0-9]/;

/** Does bytes[start, end) (blanks around it ignored, as trim() would) spell `name`? */
function nameIs(bytes: Buffer, start: number, end: number, name: string): boolean {
  while (start < end && bytes[start] === 0x20) start++;
  while (end > start && bytes[end - 1] === 0x20) end--;
  if (end - start !== name.length) return false;
  for (let i = 0; i < name.length; i++) if (bytes[start + i] !== name.charCodeAt(i)) return false;
  return true;
}

/** bytes[start, end) as text, blanks trimmed (a plain line: only spaces can be blank). */
function trimmed(bytes: Buffer, start: number, end: number): string {
  while (start < end && bytes[start] === 0x20) start++;
  while (end > start && bytes[end - 1] === 0x20) end--;
  return bytes.toString('latin1', start, end);
}

const isNameStart = (ch: number) => (ch >= 0x30 && ch <= 0x39) || ((ch | 0x20) >= 0x61 && (ch | 0x20) <= 0x7a);

/** What a listing needs of a log entry (showq.ts): the recipient and the reason. */
export type LoggedReason = Pick<LogEntry, 'recipient' | 'reason'>;

/**
 * bytes[start, end) as text, blanks trimmed when `trim`; the string `last` when its bytes
 * [lastStart, lastEnd) are the same (a message's recipients usually share one reason: one
 * string for all of them, and a hash computed once where the index interns it).
 */
function textOf(bytes: Buffer, start: number, end: number, trim: boolean, last: { start: number; end: number; text: string } | null): { start: number; end: number; text: string } {
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
 * parseBounceLog for a plain log (isPlainText): the same rules on bytes, decoding only the
 * values it keeps; recipient and reason, often overridden by later lines, are decoded last.
 */
function parsePlainLog(bytes: Buffer, kind: LogKind): LogEntry[] {
  const entries: LogEntry[] = [];
  let open = false;
  let rcpt = -1, rcptEnd = -1, reason = -1, reasonEnd = -1;
  let rcptTrim = false, reasonTrim = false;
  let status: string | null = null, action: string | null = null, offset = -1;
  let lastReason: { start: number; end: number; text: string } | null = null;
  const flush = () => {
    if (reason >= 0) lastReason = textOf(bytes, reason, reasonEnd, reasonTrim, lastReason);
    const draft = {
      recipient: rcpt < 0 ? null : rcptTrim ? trimmed(bytes, rcpt, rcptEnd) : bytes.toString('latin1', rcpt, rcptEnd),
      reason: reason < 0 ? null : lastReason!.text,
      status, action, offset,
    };
    entries.push(finish(draft, kind));
    open = false;
    rcpt = rcptEnd = reason = reasonEnd = -1;
    status = action = null;
    offset = -1;
  };
  let start = 0;
  while (start < bytes.length) {
    let end = bytes.indexOf(0x0a, start);
    if (end < 0) end = bytes.length;
    const s = start;
    start = end + 1;
    if (s === end) {
      if (open) flush();
      continue;
    }
    open = true;
    const first = bytes[s]!;
    if (first === 0x3c) {
      const split = bytes.indexOf('>: ', s, 'latin1');
      if (split < 0 || split + 3 > end) continue;
      (rcpt = s + 1), (rcptEnd = split), (rcptTrim = false);
      (reason = split + 3), (reasonEnd = end), (reasonTrim = false);
    } else if (isNameStart(first)) {
      const eq = bytes.indexOf(0x3d, s);
      if (eq < 0 || eq >= end) continue;
      if (nameIs(bytes, s, eq, 'recipient')) (rcpt = eq + 1), (rcptEnd = end), (rcptTrim = true);
      else if (nameIs(bytes, s, eq, 'reason')) (reason = eq + 1), (reasonEnd = end), (reasonTrim = true);
      else if (nameIs(bytes, s, eq, 'status')) status = trimmed(bytes, eq + 1, end);
      else if (nameIs(bytes, s, eq, 'action')) action = trimmed(bytes, eq + 1, end);
      else if (nameIs(bytes, s, eq, 'offset')) offset = Number.parseInt(trimmed(bytes, eq + 1, end), 10) || -1;
    }
  }
  if (open) flush();
  return entries;
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
  let open = false;
  let rcpt = -1, rcptEnd = -1, reason = -1, reasonEnd = -1;
  let rcptTrim = false, reasonTrim = false;
  let lastReason: { start: number; end: number; text: string } | null = null;
  const flush = () => {
    if (reason >= 0) lastReason = textOf(bytes, reason, reasonEnd, reasonTrim, lastReason);
    let recipient = rcpt < 0 ? '(recipient address unavailable)' : rcptTrim ? trimmed(bytes, rcpt, rcptEnd) : bytes.toString('latin1', rcpt, rcptEnd);
    if (recipient === '') recipient = '(MAILER-DAEMON)';
    entries.push({ recipient, reason: reason < 0 ? '(description unavailable)' : lastReason!.text });
    open = false;
    rcpt = rcptEnd = reason = reasonEnd = -1;
  };
  let start = 0;
  while (start < n) {
    const s = start;
    const first = bytes[s]!;
    if (first === 0x0a) {
      start = s + 1;
      if (open) flush();
      continue;
    }
    open = true;
    if (first === 0x3c) {
      // `<recipient>: reason`: kept, so every byte is checked; its first `>: ` splits it.
      let split = -1;
      let end = s;
      for (; end < n; end++) {
        const ch = bytes[end]!;
        if (ch === 0x0a) break;
        if (ch < 0x20 || ch >= 0x7f) return null;
        if (ch === 0x3e && split < 0 && bytes[end + 1] === 0x3a && bytes[end + 2] === 0x20) split = end;
      }
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
        if (ch === 0x0a || ch === 0x3d) break;
        if (ch < 0x20 || ch >= 0x7f) return null;
      }
      if (end < n && bytes[end] === 0x3d) {
        const eq = end;
        keep = nameIs(bytes, s, eq, 'recipient') ? 1 : nameIs(bytes, s, eq, 'reason') ? 2 : 0;
        if (keep !== 0) {
          for (end = eq + 1; end < n; end++) {
            const ch = bytes[end]!;
            if (ch === 0x0a) break;
            if (ch < 0x20 || ch >= 0x7f) return null;
          }
          if (keep === 1) (rcpt = eq + 1), (rcptEnd = end), (rcptTrim = true);
          else (reason = eq + 1), (reasonEnd = end), (reasonTrim = true);
        }
      }
    }
    if (keep === 0) while (end < n && bytes[end] !== 0x0a) end++;
    start = end + 1;
  }
  if (open) flush();
  return entries;
}

/**
 * The recipients and reasons of a defer log, as parseBounceLog() gives them, for a listing
 * (the index, `postq list`): a plain log's status, action and offset lines are not decoded.
 */
export function parseDeferReasons(bytes: Buffer): LoggedReason[] {
  return plainDeferReasons(bytes) ?? parseBounceLog(bytes, 'defer');
}

export function parseBounceLog(bytes: Buffer, kind: LogKind = 'defer'): LogEntry[] {
  if (isPlainText(bytes)) return parsePlainLog(bytes, kind);
  const entries: LogEntry[] = [];
  let draft: Draft | null = null;
  for (const line of printableLines(bytes)) {
    if (line === '') {
      if (draft) entries.push(finish(draft, kind));
      draft = null;
      continue;
    }
    draft ??= { recipient: null, reason: null, status: null, action: null, offset: -1 };
    if (line.startsWith('<')) {
      const split = line.indexOf('>: ');
      if (split < 0) continue;
      draft.recipient = line.slice(1, split);
      draft.reason = line.slice(split + 3);
    } else if (NAME_START.test(line)) {
      const eq = line.indexOf('=');
      if (eq < 0) continue;
      const name = line.slice(0, eq).trim();
      const value = line.slice(eq + 1).trim();
      if (name === 'recipient') draft.recipient = value;
      else if (name === 'reason') draft.reason = value;
      else if (name === 'status') draft.status = value;
      else if (name === 'action') draft.action = value;
      else if (name === 'offset') draft.offset = Number.parseInt(value, 10) || -1;
    }
  }
  if (draft) entries.push(finish(draft, kind));
  return entries;
}

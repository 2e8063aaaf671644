/**
 * defer/ and bounce/ logfiles -> per-recipient entries, read the way Postfix's bounce_log.c
 * reads them: blank-line separated entries; every line first made printable (`?` for control
 * bytes and invalid UTF-8); `name=value` lines; old-style `<addr>: text` lines; later lines
 * override earlier ones. Pure; never throws; unknown lines are ignored as Postfix ignores them.
 */
import { showqPrintable } from './printable.js';
import { isNameStart, nameIs, plainDeferReasons, textOf, trimmed } from './defer-reasons.js';

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

/** What a listing needs of a log entry (showq.ts): the recipient and the reason. */
export type LoggedReason = Pick<LogEntry, 'recipient' | 'reason'>;

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

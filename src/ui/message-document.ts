/**
 * What the message pane shows, built from a queue file's bytes: postcat's text (envelope,
 * headers, body; already sanitized by formatPostcat), and where the file is damaged or
 * unreadable, where postcat stops (offset, record, problem) followed by a record dump. The
 * `records` view is the dump alone. Pure: the bytes are read by the composition root
 * (src/watch/read-message.ts), so the UI never touches fs.
 */
import type { ClientAttributes, Diagnostic, QueueEntry } from '../domain/entry.js';
import { formatPostcat } from '../spool/postcat-format.js';
import { printable } from '../spool/printable.js';
import { titleQueueId } from './columns.js';
import { buildPagedDocument, decodeHeaderLines, splitLines } from './message-pages.js';

export type MessageView = 'postcat' | 'records' | 'log';

export interface DocLine {
  text: string;
  kind: 'marker' | 'text' | 'dump';
  problem?: boolean;
}

export interface MessageDocument {
  queueId: string;
  title: string;
  view: MessageView;
  lines: DocLine[];
  /** The first problem found, for the pane's title ("offset 123: truncated record"). */
  problem: string | null;
  /**
   * A message too large to hold (message-pages.ts): this is one page of it; scrolling past
   * either end loads the next or previous page.
   */
  pages?: {
    /** This page's number, from 0. */
    index: number;
    next: (() => MessageDocument) | null;
    prev: (() => MessageDocument) | null;
    /** Page i again, for any page already read up to (i <= the highest index seen + 1). */
    goto(i: number): MessageDocument;
  };
  /**
   * The bytes are on their way (a fleet target's link): this document says so, and the pane
   * loads the message again once this settles (use-pane-pending.ts).
   */
  pending?: Promise<unknown>;
}

/**
 * A file found by id (path relative to the queue directory), or null when it is gone. A large
 * one comes as its first window, its size and a `fetch` for the rest (read-message.ts).
 */
export type FoundMessage = { path: string; bytes: Buffer; size?: number; fetch?(offset: number, length: number): Buffer } | PendingMessage | null;
/** Not read yet: asked for (from `from`, a fleet target); read again once `pending` settles. */
export interface PendingMessage {
  pending: Promise<unknown>;
  from: string;
}
/** Reads a message's bytes; may throw (permission denied): the pane shows the error. */
export type MessageReader = (entry: QueueEntry) => FoundMessage;
/** Record dump of a queue file (src/spool/record-dump.ts dumpRecords). */
export type RecordDumper = (bytes: Buffer) => { lines: string[]; diagnostics: Diagnostic[] };
/** What the UI is given: entry + view -> document. */
export type MessageLoader = (entry: QueueEntry, view: MessageView) => MessageDocument;

export const describe = (d: Diagnostic) =>
  `offset ${d.offset}${d.recordType !== null ? ` record ${d.recordType}` : ''}: ${printable(d.problem)}`;

/** One line saying who sent it (smtpd's attributes), for the top of the envelope section. */
export function describeClient(c: ClientAttributes): string {
  const parts: string[] = [];
  const host = `${c.clientName ?? 'unknown'}[${c.clientAddress ?? '?'}]${c.clientPort ? `:${c.clientPort}` : ''}`;
  parts.push(`client ${host}`);
  if (c.heloName !== null) parts.push(`helo ${c.heloName}`);
  if (c.protocolName !== null) parts.push(c.protocolName);
  if (c.saslUsername !== null) parts.push(`sasl ${c.saslUsername}${c.saslMethod ? ` (${c.saslMethod})` : ''}`);
  if (c.saslSender !== null) parts.push(`sasl_sender ${c.saslSender}`);
  return printable('who: ' + parts.join(', '));
}

/** What is happening to a listed recipient, from its queue and delay reason. */
function recipientStatus(entry: QueueEntry, reason: string): string {
  switch (entry.queueName) {
    case 'deferred': return reason ? 'deferred' : 'deferred, no reason logged';
    case 'hold': return reason ? 'on hold (was deferred)' : 'on hold';
    case 'active': return reason ? 'in delivery (was deferred)' : 'in delivery';
    case 'corrupt': return 'corrupt: not delivered';
    default: return 'not tried yet';
  }
}

/**
 * Each recipient mailq lists, with its own status and delay reason (a message can be
 * deferred for one recipient and waiting for another for a different reason).
 */
export function recipientLines(entry: QueueEntry): DocLine[] {
  if (entry.recipients.length === 0) return [];
  const lines: DocLine[] = [{ text: `*** RECIPIENTS ${entry.recipients.length} (as mailq lists them) ***`, kind: 'marker' }];
  for (const r of entry.recipients) {
    const status = recipientStatus(entry, r.delayReason);
    lines.push({ text: printable(`${r.address}  [${status}]${r.delayReason ? `  (${r.delayReason})` : ''}`), kind: 'text' });
  }
  return lines;
}

export function buildMessageDocument(entry: QueueEntry, read: () => FoundMessage, view: MessageView, dump: RecordDumper): MessageDocument {
  const id = titleQueueId(entry);
  let found: FoundMessage;
  try {
    found = read();
  } catch (error) {
    const why = printable((error as Error).message);
    return { queueId: entry.queueId, title: `${id} (${entry.queueName})`, view, lines: [{ text: `cannot read the file: ${why}`, kind: 'text', problem: true }], problem: why };
  }
  if (!found) {
    const why = 'gone: the file left every queue (delivered, deleted or moved) since it was listed';
    return { queueId: entry.queueId, title: `${id} (${entry.queueName})`, view, lines: [{ text: why, kind: 'text', problem: true }], problem: 'gone' };
  }
  if ('pending' in found) {
    const text = `reading ${id} from ${printable(found.from)}…`;
    return { queueId: entry.queueId, title: `${id} (${entry.queueName})`, view, lines: [{ text, kind: 'text' }], problem: null, pending: found.pending };
  }
  if (found.fetch && found.size !== undefined && found.size > found.bytes.length) {
    const head = { recipients: recipientLines(entry), client: entry.client ? { text: describeClient(entry.client), kind: 'text' as const } : null };
    return buildPagedDocument(entry, { path: found.path, first: found.bytes, size: found.size, fetch: found.fetch }, view, dump, head);
  }
  const title = `${id}  ${printable(found.path)}  ${found.bytes.length} bytes`;
  const dumped = () => {
    const d = dump(found.bytes);
    return { lines: splitLines(d.lines.join('\n'), 'dump'), problem: d.diagnostics[0] ? describe(d.diagnostics[0]) : null };
  };
  if (view === 'records') {
    const d = dumped();
    return { queueId: entry.queueId, title, view, lines: d.lines, problem: d.problem };
  }
  const out = formatPostcat(found.bytes, { path: found.path });
  const lines = splitLines(out.text, 'text');
  decodeHeaderLines(lines);
  if (entry.client) lines.splice(lines[0]?.kind === 'marker' ? 1 : 0, 0, { text: describeClient(entry.client), kind: 'text' });
  for (const warning of out.warnings) lines.push({ text: `warning: ${printable(warning)}`, kind: 'marker', problem: true });
  let problem: string | null = null;
  if (out.error || entry.state === 'corrupt' || entry.state === 'damaged') {
    if (out.error) {
      problem = describe(out.error);
      lines.push({ text: `*** postcat stops here: ${problem} ***`, kind: 'marker', problem: true });
    }
    const d = dumped();
    problem ??= d.problem;
    lines.push({ text: '*** RECORD DUMP (offset type length data) ***', kind: 'marker' }, ...d.lines);
  }
  return { queueId: entry.queueId, title, view, lines: [...recipientLines(entry), ...lines], problem };
}

/**
 * QueueEntry[] -> the text `postqueue -p` (mailq) prints (postqueue/showq_compat.c): header,
 * message lines with status markers inside the id column, reason lines on change,
 * blank lines between messages, footer or "Mail queue is empty". Pure; the caller
 * passes the text through printable() before it reaches a terminal.
 */
import type { QueueEntry } from '../domain/entry.js';
import { queueMarker } from '../domain/queue.js';
import { asctime } from './asctime.js';

interface Layout {
  id: number;
  size: number;
  date: number;
  header: [string, string, string, string];
}

const SHORT: Layout = {
  id: 11,
  size: 7,
  date: 20,
  header: ['-Queue ID-', '--Size--', '----Arrival Time----', '-Sender/Recipient-------'],
};
const LONG: Layout = {
  id: 17,
  size: 8,
  date: 19,
  header: ['----Queue ID-----', '--Size--', '---Arrival Time----', '--Sender/Recipient------'],
};

export interface MailqOptions {
  /** enable_long_queue_ids: picks the column layout (not the ids themselves). */
  longQueueIds: boolean;
  /**
   * `list --all`: a line under the message line for entries mailq would not show as they are
   * (corrupt, damaged, incomplete, unlisted), in brackets so no mailq parser reads it as a
   * recipient or a reason. Off: the output is exactly mailq's.
   */
  markStates?: boolean;
}

/** "[postq: damaged: offset 97 record 84: unexpected EOF ...]", or null for a plain message. */
export function stateNote(entry: QueueEntry): string | null {
  if (entry.state === 'ok') return null;
  const d = entry.diagnostics[0];
  const where = d ? `: offset ${d.offset}${d.recordType !== null ? ` record ${d.recordType}` : ''}: ${d.problem}` : '';
  return `[postq: ${entry.state}${where}]`;
}

export function formatMailqMessage(entry: QueueEntry, layout: Layout): string[] {
  const lines: string[] = [];
  const marker = queueMarker(entry.queueName) + (entry.forcedExpire ? '#' : '');
  const date = (asctime(entry.arrivalTime) + ' ').slice(0, layout.date);
  lines.push(
    `${(entry.queueId + marker).padEnd(layout.id)} ${String(entry.messageSize).padStart(layout.size)} ` +
      `${date.padStart(layout.date)} ${entry.sender}`,
  );
  const indent = ' '.repeat(layout.id + layout.size + layout.date + 3);
  let previous = '';
  for (const rcpt of entry.recipients) {
    if (rcpt.delayReason !== previous) {
      const reason = rcpt.delayReason === '' ? 'reason unavailable' : rcpt.delayReason;
      lines.push(' '.repeat(Math.max(0, 76 - reason.length)) + `(${reason})`);
      previous = rcpt.delayReason;
    }
    lines.push(indent + rcpt.address);
  }
  return lines;
}

/** The column header line (printed only when the queue is not empty). */
export function formatMailqHeader(options: MailqOptions): string {
  const layout = options.longQueueIds ? LONG : SHORT;
  const [id, size, date, who] = layout.header;
  return `${id.padEnd(layout.id)} ${size.padStart(layout.size)} ${date.padEnd(layout.date)} ${who}`;
}

/** One message's block, without the blank line that separates it from the one before. */
export function formatMailqBlock(entry: QueueEntry, options: MailqOptions): string {
  const layout = options.longQueueIds ? LONG : SHORT;
  const lines = formatMailqMessage(entry, layout);
  const note = options.markStates ? stateNote(entry) : null;
  if (note) lines.splice(1, 0, ' '.repeat(layout.id + 1) + note);
  return lines.join('\n');
}

/** The footer line; `totalSize` is the sum of the messages' sizes in bytes. */
export function formatMailqFooter(totalSize: number, count: number): string {
  return `-- ${Math.floor(totalSize / 1024)} Kbytes in ${count} Request${count === 1 ? '' : 's'}.`;
}

export const MAILQ_EMPTY = 'Mail queue is empty\n';

/**
 * The whole text at once. A stream writes the same text as: the header line, then each
 * block preceded by a newline (and a blank line after the first), then a blank line and the
 * footer (src/cli/list-command.ts).
 */
export function formatMailq(entries: readonly QueueEntry[], options: MailqOptions): string {
  if (entries.length === 0) return MAILQ_EMPTY;
  const out: string[] = [formatMailqHeader(options)];
  let total = 0;
  entries.forEach((entry, i) => {
    if (i > 0) out.push('');
    out.push(formatMailqBlock(entry, options));
    total += entry.messageSize;
  });
  out.push('', formatMailqFooter(total, entries.length));
  return out.join('\n') + '\n';
}

/**
 * What `postq list` prints for a run of entries: which of them it lists, and their text as
 * postqueue -j lines or mailq blocks, with the count and size the mailq footer needs. Pure:
 * a read worker formats its slice with it, so the main thread only writes (read-stream.ts),
 * and the main thread formats with it when it reads itself.
 *
 * Contract: concatenating the slices' texts in order, each after its mailqLead(), then a
 * blank line and the footer, gives exactly formatMailq() of the listed entries (JSON: the
 * lines alone).
 * The mailq text has been through printable(). Nothing throws.
 */
import type { QueueEntry } from '../domain/entry.js';
import { looksGenerated } from '../domain/queue-id.js';
import { formatJsonEntry } from './json-format.js';
import { formatMailqBlock, formatMailqHeader } from './mailq-format.js';
import { printable } from './printable.js';

export interface ListFormat {
  json: boolean;
  /** --all: corrupt/, incomplete and unlisted files too. */
  all: boolean;
  /** enable_long_queue_ids: mailq's column layout. */
  longQueueIds: boolean;
  /** Only entries it keeps (main thread only: a function does not cross threads). */
  keep?: (entry: QueueEntry) => boolean;
  /**
   * --filter as text, and the clock it is matched at: plain data, so the read workers take it
   * and compile it themselves (src/watch/filtered-read.ts applies it as the files are read).
   */
  filter?: ListFilter;
  /** `postq count`: the count and size only; no entry is formatted (that was most of its CPU). */
  countOnly?: boolean;
}

export interface ListFilter {
  text: string;
  nowMs: number;
}

export interface ListedText {
  /**
   * JSON: one line per entry, each ending in \n. mailq: the blocks joined by a blank line.
   * From a read worker as UTF-8 bytes (read-stream.ts).
   */
  text: string | Uint8Array;
  count: number;
  /** Sum of message_size (the mailq footer's Kbytes). */
  size: number;
}

/** Whether `list` prints an entry: what postqueue lists, or with --all what else is mail. */
export function isListed(entry: QueueEntry, all: boolean): boolean {
  if (entry.listed) return true;
  // Files showq skips as not ready are shown as in progress only when Postfix could have
  // named them: a stray README or core file in a queue directory is not mail.
  return all && (entry.state !== 'incomplete' || looksGenerated(entry.queueId));
}

export function formatListed(entries: readonly QueueEntry[], format: ListFormat): ListedText {
  const parts: string[] = [];
  let size = 0;
  let count = 0;
  for (const entry of entries) {
    if (!isListed(entry, format.all) || (format.keep && !format.keep(entry))) continue;
    count += 1;
    size += entry.messageSize;
    if (format.countOnly) continue;
    parts.push(format.json ? formatJsonEntry(entry) + '\n' : formatMailqBlock(entry, { longQueueIds: format.longQueueIds, markStates: format.all }));
  }
  const text = format.json ? parts.join('') : printable(parts.join('\n\n'), { keepNewline: true });
  return { text, count, size };
}

/** What goes before a slice's mailq text in the stream: `before` entries were printed ahead of it. */
export function mailqLead(before: number, format: ListFormat): string {
  return before === 0 ? formatMailqHeader(format) + '\n' : '\n\n';
}

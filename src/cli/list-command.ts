/**
 * `postq list [--json] [--all] [--queue NAME[,NAME...]] [--filter EXPR]`: the queue as mailq or
 * postqueue -j print it, read from the spool directly. --all adds what postqueue leaves out
 * (corrupt/, incomplete and unlisted files), each marked with its state and diagnostics.
 * `postq count` is the same selection, printing only how many (exipick -bpc).
 */
import type { QueueEntry } from '../domain/entry.js';
import { UsageError } from '../domain/errors.js';
import { looksGenerated } from '../domain/queue-id.js';
import { isQueueName, QUEUE_NAMES, SHOWQ_QUEUES, type QueueName } from '../domain/queue.js';
import type { SpoolConfig } from '../config/spool-config.js';
import { formatJsonEntry } from '../spool/json-format.js';
import { formatMailq } from '../spool/mailq-format.js';
import { printable } from '../spool/printable.js';
import { scanQueues } from '../watch/scan.js';
import { applyCliFilter } from './cli-filter.js';

export interface ListOptions {
  json: boolean;
  all: boolean;
  queues: QueueName[] | null;
  /** --filter EXPR: only the messages it matches. */
  filter?: string | null;
}

export function parseQueueList(value: string | undefined): QueueName[] | null {
  if (value === undefined) return null;
  const names = value.split(',').map((s) => s.trim()).filter(Boolean);
  for (const name of names) {
    if (!isQueueName(name)) throw new UsageError(`unknown queue "${name}": expected one of ${QUEUE_NAMES.join(', ')}`);
  }
  return names as QueueName[];
}

/** The entries `list` prints, in showq's order (corrupt last, with --all). */
export function selectListed(config: SpoolConfig, options: ListOptions): QueueEntry[] {
  const order: QueueName[] = options.all ? [...SHOWQ_QUEUES, 'corrupt'] : [...SHOWQ_QUEUES];
  const queues = options.queues ? order.filter((q) => options.queues!.includes(q)) : order;
  const entries = applyCliFilter(config, scanQueues(config, queues), options.filter);
  if (!options.all) return entries.filter((e) => e.listed);
  // Files showq skips as not ready are shown as in progress only when Postfix could have
  // named them: a stray README or core file in a queue directory is not mail.
  return entries.filter((e) => e.listed || e.state !== 'incomplete' || looksGenerated(e.queueId));
}

export function runList(config: SpoolConfig, options: ListOptions, write: (text: string) => void): number {
  const entries = selectListed(config, options);
  if (options.json) {
    // postqueue -j prints nothing at all for an empty queue. Lines go out in chunks: one
    // write per message costs more than formatting it at 100k messages.
    const CHUNK = 512;
    for (let i = 0; i < entries.length; i += CHUNK) {
      write(entries.slice(i, i + CHUNK).map((entry) => formatJsonEntry(entry) + '\n').join(''));
    }
  } else {
    write(printable(formatMailq(entries, { longQueueIds: config.longQueueIds, markStates: options.all }), { keepNewline: true }));
  }
  return 0;
}

/** `postq count`: the number of messages `list` would print with the same options. */
export function runCount(config: SpoolConfig, options: ListOptions, write: (text: string) => void): number {
  write(`${selectListed(config, options).length}\n`);
  return 0;
}

/**
 * Per-queue figures for `postq stats` and the health checks: messages, bytes (mailq's sizes,
 * as postqueue -j's message_size), oldest arrival, incomplete files and damaged messages, for
 * all six queues (zeros included), plus the incomplete files themselves (id and mtime) so the
 * header can tell a stuck cleanup (0600 for minutes) from one still writing.
 *
 * Contract: `messages` counts what queue-stats.ts counts (everything but incomplete files);
 * `incomplete` counts files not yet 0700 whose name Postfix could have generated (a stray
 * README or core file in a queue directory is not mail, as for `list --all`); `damaged`
 * counts messages with a read problem (state damaged or unlisted, or diagnostics). So, per
 * queue, messages + incomplete = the queue files on disk. Pure; one pass, memoised on the
 * entries map (a new map only when a batch changed something). Never throws.
 */
import type { QueueEntry } from '../domain/entry.js';
import { QUEUE_NAMES, type QueueName } from '../domain/queue.js';
import { looksGenerated } from '../domain/queue-id.js';
import type { ConsoleData } from './console-state.js';
import { isMessage } from './queue-stats.js';
import { memoSlot } from './selector-cache.js';

export interface QueueFigures {
  messages: number;
  bytes: number;
  /** Epoch seconds, null when the queue holds no message. */
  oldestArrival: number | null;
  incomplete: number;
  damaged: number;
}

export interface IncompleteFile {
  queueName: QueueName;
  queueId: string;
  /** Epoch seconds of the file's last change: a cleanup still writing keeps it fresh. */
  mtime: number;
}

export interface SpoolFigures {
  queues: Readonly<Record<QueueName, QueueFigures>>;
  total: QueueFigures;
  incompleteFiles: readonly IncompleteFile[];
}

const zero = (): QueueFigures => ({ messages: 0, bytes: 0, oldestArrival: null, incomplete: 0, damaged: 0 });

export function isDamaged(entry: QueueEntry): boolean {
  return entry.state === 'damaged' || entry.state === 'unlisted' || entry.diagnostics.length > 0;
}

export function summarizeQueues(entries: Iterable<QueueEntry>): SpoolFigures {
  const queues = Object.fromEntries(QUEUE_NAMES.map((q) => [q, zero()])) as Record<QueueName, QueueFigures>;
  const incompleteFiles: IncompleteFile[] = [];
  for (const e of entries) {
    const f = queues[e.queueName];
    if (!isMessage(e)) {
      if (!looksGenerated(e.queueId)) continue;
      f.incomplete++;
      incompleteFiles.push({ queueName: e.queueName, queueId: e.queueId, mtime: e.mtime });
      continue;
    }
    f.messages++;
    f.bytes += e.messageSize;
    if (f.oldestArrival === null || e.arrivalTime < f.oldestArrival) f.oldestArrival = e.arrivalTime;
    if (isDamaged(e)) f.damaged++;
  }
  const total = zero();
  for (const q of QUEUE_NAMES) {
    const f = queues[q];
    total.messages += f.messages;
    total.bytes += f.bytes;
    total.incomplete += f.incomplete;
    total.damaged += f.damaged;
    if (f.oldestArrival !== null && (total.oldestArrival === null || f.oldestArrival < total.oldestArrival)) total.oldestArrival = f.oldestArrival;
  }
  return { queues, total, incompleteFiles };
}

/** summarizeQueues over the store's entries, recomputed only when the entries change. */
export function selectQueueFigures(state: ConsoleData): SpoolFigures {
  return memoSlot(state.cache, 'queueFigures', [state.entries], () => summarizeQueues(state.entries.values()));
}

/**
 * What the watcher hands the store: one batch of changes, applied in one store update.
 * Entries are keyed by queue id; a move between queues is an upsert with the new queue name.
 */
import type { QueueEntry } from './entry.js';

export interface SpoolBatch {
  /** New or changed entries (a move is an upsert with its new queueName and path). */
  upserts: QueueEntry[];
  /** Queue ids whose files are gone from every queue. */
  removals: string[];
  /** True when this batch is a full scan: entries not in it are gone. */
  full: boolean;
  /** Epoch milliseconds of the oldest event in the batch (for latency figures). */
  firstEventAt: number | null;
}

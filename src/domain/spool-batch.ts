/**
 * What the watcher hands the store: one batch of changes, applied in one store update.
 * Entries are keyed by queue id; a move between queues is an upsert with the new queue name.
 */
import type { QueueEntry } from './entry.js';
import type { QueueName } from './queue.js';

export interface SpoolBatch {
  /** New or changed entries (a move is an upsert with its new queueName and path). */
  upserts: QueueEntry[];
  /** Queue ids whose files are gone from every queue. */
  removals: string[];
  /** True when this batch is a full scan: entries not in it are gone. */
  full: boolean;
  /**
   * While the initial index is still reading files: how many queue files each queue's directory
   * listing found, so the header can show counts at once. Absent once every file is read.
   */
  listedCounts?: Partial<Record<QueueName, number>>;
  /**
   * True when no queue id occurs twice in the batch (upserts and removals together), as in
   * the batches the console's gate composes: a consumer then needs no map to compose them.
   */
  distinct?: boolean;
  /**
   * True when each upsert's id is new to the feed: in none of its earlier batches (nor twice in
   * this one). The initial index's batches, which file files the index did not know
   * (src/watch/spool-index.ts, addFile): batches that only add such ids compose without a map
   * of their ids (src/store/held-batches.ts).
   */
  fresh?: boolean;
  /** Epoch milliseconds of the oldest event in the batch (for latency figures). */
  firstEventAt: number | null;
}

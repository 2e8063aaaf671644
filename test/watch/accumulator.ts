/**
 * A stand-in for the store in watcher tests: apply SpoolBatches to a Map by queue id, exactly
 * as the contract in src/domain/spool-batch.ts says (full: replace; else upsert + remove).
 */
import type { QueueEntry } from '../../src/domain/entry.js';
import type { QueueName } from '../../src/domain/queue.js';
import type { SpoolBatch } from '../../src/domain/spool-batch.js';

export class SpoolAccumulator {
  entries = new Map<string, QueueEntry>();
  batches: SpoolBatch[] = [];
  listedCounts: Partial<Record<QueueName, number>> | undefined;

  readonly apply = (batch: SpoolBatch): void => {
    this.batches.push(batch);
    if (batch.full) this.entries = new Map();
    for (const entry of batch.upserts) this.entries.set(entry.queueId, entry);
    for (const id of batch.removals) this.entries.delete(id);
    this.listedCounts = batch.listedCounts;
  };

  /** Entries sorted by id, for comparing with a fresh scan. */
  sorted(): QueueEntry[] {
    return [...this.entries.values()].sort((a, b) => (a.queueId < b.queueId ? -1 : a.queueId > b.queueId ? 1 : 0));
  }

  get(id: string): QueueEntry | undefined {
    return this.entries.get(id);
  }
}

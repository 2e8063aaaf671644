/**
 * Watcher batches held back, composed in place as they come (the later wins, as
 * composeBatches() in batch-apply.ts): a push costs O(its batch), not a new copy of
 * everything held. Taken out whole, or in parts of n ids (a full batch never split). Held by
 * the console's batch gate (ui/batch-gate.ts) and by a serve while its console's window is
 * full (remote/outbox.ts). Pure; never throws.
 */
import type { QueueEntry } from '../domain/entry.js';
import type { SpoolBatch } from '../domain/spool-batch.js';

/**
 * Held changes, composed in place as batches come (the later wins, as composeBatches() in
 * store/batch-apply.ts): a push costs O(its batch), not a new copy of everything held, which
 * at 5,000 events/s was a few thousand ids copied every 25 ms. Fresh batches (SpoolBatch.fresh:
 * the initial index's, each id new to the feed) are kept as they came while only such came:
 * their ids are distinct, so no map of them is made (100,000 ids over a console's fill at
 * 100k, and the map's tables as garbage); any other batch first moves them into the map.
 */
export class Held {
  private readonly upserts = new Map<string, QueueEntry>();
  private readonly removals = new Set<string>();
  /** Fresh batches' upserts as they came; only while the map and removals are empty and not full. */
  private runs: QueueEntry[][] = [];
  private inRuns = 0;
  full = false;
  firstEventAt: number | null = null;
  listedCounts: SpoolBatch['listedCounts'];

  add(batch: SpoolBatch): void {
    if (batch.full) {
      // A full batch replaces whatever was held.
      this.upserts.clear();
      this.removals.clear();
      this.runs = [];
      this.inRuns = 0;
      this.full = true;
    }
    if (batch.fresh && batch.removals.length === 0 && !this.full && this.upserts.size === 0 && this.removals.size === 0) {
      if (batch.upserts.length > 0) this.runs.push(batch.upserts);
      this.inRuns += batch.upserts.length;
    } else {
      this.spill();
      for (const id of batch.removals) {
        this.upserts.delete(id);
        this.removals.add(id);
      }
      // No removal held (the initial index's case): no look-up per upsert in the empty set.
      const removals = this.removals.size > 0 ? this.removals : null;
      for (const e of batch.upserts) {
        this.upserts.set(e.queueId, e);
        removals?.delete(e.queueId);
      }
    }
    const t = batch.firstEventAt;
    if (t !== null && (this.firstEventAt === null || t < this.firstEventAt)) this.firstEventAt = t;
    // Absent once the initial index is done: the latest batch says which.
    this.listedCounts = batch.listedCounts;
  }

  get size(): number {
    return this.inRuns + this.upserts.size + this.removals.size;
  }

  /** Everything held as one batch. */
  all(): SpoolBatch {
    if (this.runs.length > 0) return this.batch(this.runs.length === 1 ? this.runs[0]!.slice() : ([] as QueueEntry[]).concat(...this.runs), []);
    return this.batch([...this.upserts.values()], [...this.removals]);
  }

  /** Up to `n` ids as a batch, taken out (a full batch is never split: all of it). */
  take(n: number): SpoolBatch {
    if (this.full || this.size <= n) {
      const batch = this.all();
      this.upserts.clear();
      this.removals.clear();
      this.runs = [];
      this.inRuns = 0;
      this.full = false;
      return batch;
    }
    this.spill();
    const upserts: QueueEntry[] = [];
    const removals: string[] = [];
    for (const [id, e] of this.upserts) {
      if (upserts.length >= n) break;
      upserts.push(e);
      this.upserts.delete(id);
    }
    for (const id of this.removals) {
      if (upserts.length + removals.length >= n) break;
      removals.push(id);
      this.removals.delete(id);
    }
    return this.batch(upserts, removals);
  }

  /** The fresh batches held into the map, in their order (before anything else composes with them). */
  private spill(): void {
    for (const run of this.runs) for (const e of run) this.upserts.set(e.queueId, e);
    this.runs = [];
    this.inRuns = 0;
  }

  private batch(upserts: QueueEntry[], removals: string[]): SpoolBatch {
    // Held by id (a removal drops the id's upsert and the other way round), or fresh: no id twice.
    const b: SpoolBatch = { upserts, removals, full: this.full, firstEventAt: this.firstEventAt, distinct: true };
    if (this.listedCounts) b.listedCounts = this.listedCounts;
    return b;
  }
}

/**
 * Applying a SpoolBatch to the entry map: a new Map (the old one is never mutated), plus what
 * changed, so stats, marks, pending operations and the sorted list can be updated for only
 * that. Also composes batches that arrive while the console is paused into one.
 *
 * Pure; never throws. An upsert for an id is a change (a move is an upsert with a new queue
 * name); a removal of an unknown id is ignored; in a full batch, ids absent from it are gone.
 */
import type { QueueEntry } from '../domain/entry.js';
import type { SpoolBatch } from '../domain/spool-batch.js';

export interface AppliedBatch {
  entries: Map<string, QueueEntry>;
  /** Entries that left, and old versions of entries that changed. */
  removed: QueueEntry[];
  /** New entries, and new versions of entries that changed. */
  added: QueueEntry[];
  /** Every queue id the batch changed (for the sorted list, marks and pending ops). */
  touched: string[];
}

export function applyBatchToEntries(prev: ReadonlyMap<string, QueueEntry>, batch: SpoolBatch): AppliedBatch {
  const removed: QueueEntry[] = [];
  const added: QueueEntry[] = [];
  const touched: string[] = [];
  if (batch.full) {
    const entries = new Map<string, QueueEntry>();
    for (const e of batch.upserts) entries.set(e.queueId, e);
    for (const id of batch.removals) entries.delete(id);
    for (const [id, old] of prev) {
      const now = entries.get(id);
      if (now === old) continue;
      removed.push(old);
      touched.push(id);
    }
    for (const [id, e] of entries) {
      const old = prev.get(id);
      if (old === e) continue;
      added.push(e);
      if (!old) touched.push(id);
    }
    return { entries, removed, added, touched };
  }
  const entries = new Map(prev);
  const seen = new Set<string>();
  for (const e of batch.upserts) {
    entries.set(e.queueId, e);
    seen.add(e.queueId);
  }
  for (const id of batch.removals) {
    if (entries.delete(id)) seen.add(id);
  }
  // Net effect per id against the map before the batch, so an id changed twice or upserted
  // and removed in one batch counts once.
  for (const id of seen) {
    const old = prev.get(id);
    const now = entries.get(id);
    if (old === now) continue;
    if (old) removed.push(old);
    if (now) added.push(now);
    touched.push(id);
  }
  return { entries, removed, added, touched };
}

/** Two batches as one (the later wins); used to hold updates back while paused. */
export function composeBatches(a: SpoolBatch, b: SpoolBatch): SpoolBatch {
  if (b.full) return { ...b, firstEventAt: minTime(a.firstEventAt, b.firstEventAt) };
  const upserts = new Map<string, QueueEntry>();
  for (const e of a.upserts) upserts.set(e.queueId, e);
  const removals = new Set(a.removals);
  for (const id of b.removals) {
    upserts.delete(id);
    removals.add(id);
  }
  for (const e of b.upserts) {
    upserts.set(e.queueId, e);
    removals.delete(e.queueId);
  }
  const batch: SpoolBatch = {
    upserts: [...upserts.values()],
    removals: [...removals],
    full: a.full,
    firstEventAt: minTime(a.firstEventAt, b.firstEventAt),
  };
  if (b.listedCounts) batch.listedCounts = b.listedCounts;
  return batch;
}

function minTime(a: number | null, b: number | null): number | null {
  return a === null ? b : b === null ? a : Math.min(a, b);
}

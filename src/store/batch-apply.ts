/**
 * Applying a SpoolBatch to the entry map: a new map (the old one is never mutated; a
 * LayeredMap, so a small batch costs O(batch), not a copy of 100k entries), plus what
 * changed, so stats, marks, pending operations and the sorted list can be updated for only
 * that. Also composes batches that arrive while the console is paused into one.
 *
 * Pure; never throws. An upsert for an id is a change (a move is an upsert with a new queue
 * name); a removal of an unknown id is ignored; in a full batch, ids absent from it are gone.
 * applyBatchState() is the whole store update for one batch: entries, stats, marks, pending.
 */
import type { QueueEntry } from '../domain/entry.js';
import type { SpoolBatch } from '../domain/spool-batch.js';
import type { ConsoleData } from './console-state.js';
import { LayeredMap } from './layered-map.js';
import type { QueueName } from '../domain/queue.js';
import { computeQueueStats, isMessage, updateQueueStats, type QueueStatsMap } from './queue-stats.js';

export interface AppliedBatch {
  entries: LayeredMap<string, QueueEntry>;
  /** Entries that left, and old versions of entries that changed. */
  removed: QueueEntry[];
  /** New entries, and new versions of entries that changed. */
  added: QueueEntry[];
  /** Every queue id the batch changed (for the sorted list, marks and pending ops). */
  touched: string[];
}

/**
 * Whether two versions of an entry show the same facts. A watcher re-reads a file on any
 * hint and a poller re-reads everything; an unchanged entry keeps its old object, so nothing
 * downstream (sorted lists, windows, renders) sees a change that is not one.
 */
export function sameEntry(a: QueueEntry, b: QueueEntry): boolean {
  if (a === b) return true;
  if (
    a.queueName !== b.queueName ||
    a.path !== b.path ||
    a.arrivalTime !== b.arrivalTime ||
    a.messageSize !== b.messageSize ||
    a.forcedExpire !== b.forcedExpire ||
    a.sender !== b.sender ||
    a.listed !== b.listed ||
    a.state !== b.state ||
    a.mtime !== b.mtime ||
    a.fileSize !== b.fileSize ||
    a.mode !== b.mode ||
    a.subject !== b.subject ||
    a.recipients.length !== b.recipients.length ||
    a.diagnostics.length !== b.diagnostics.length
  ) {
    return false;
  }
  for (let i = 0; i < a.recipients.length; i++) {
    const x = a.recipients[i]!;
    const y = b.recipients[i]!;
    if (x.address !== y.address || x.delayReason !== y.delayReason) return false;
  }
  for (let i = 0; i < a.diagnostics.length; i++) {
    const x = a.diagnostics[i]!;
    const y = b.diagnostics[i]!;
    if (x.offset !== y.offset || x.recordType !== y.recordType || x.problem !== y.problem) return false;
  }
  return true;
}

export function asLayered(map: ReadonlyMap<string, QueueEntry>): LayeredMap<string, QueueEntry> {
  return map instanceof LayeredMap ? (map as LayeredMap<string, QueueEntry>) : LayeredMap.from(new Map(map));
}

export function applyBatchToEntries(prev: ReadonlyMap<string, QueueEntry>, batch: SpoolBatch): AppliedBatch {
  const removed: QueueEntry[] = [];
  const added: QueueEntry[] = [];
  const touched: string[] = [];
  if (batch.full) {
    const entries = new Map<string, QueueEntry>();
    for (const e of batch.upserts) {
      const old = prev.get(e.queueId);
      entries.set(e.queueId, old && sameEntry(old, e) ? old : e);
    }
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
    // Nothing changed (a rescan of a quiet spool): keep the very same map.
    if (touched.length === 0) return { entries: asLayered(prev), removed, added, touched };
    return { entries: LayeredMap.from(entries), removed, added, touched };
  }
  const sets = new Map<string, QueueEntry>();
  for (const e of batch.upserts) sets.set(e.queueId, e);
  for (const [id, e] of sets) {
    const old = prev.get(id);
    if (old && sameEntry(old, e)) sets.delete(id);
  }
  const removals = batch.removals.filter((id) => prev.has(id) || sets.has(id));
  if (sets.size === 0 && removals.length === 0) return { entries: asLayered(prev), removed, added, touched };
  const entries = asLayered(prev).withChanges(sets, removals);
  const seen = new Set<string>(sets.keys());
  for (const id of removals) seen.add(id);
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

/**
 * The stats after a batch that only adds (summed in slices by batch-job.ts), from the stats
 * `from`, with each queue's new arrival times for the store's OldestTracker.
 */
export interface AddedStats {
  from: QueueStatsMap;
  stats: QueueStatsMap;
  arrivals: ReadonlyMap<QueueName, number[]>;
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

/** A message in the queue proper: maildrop is pickup's input, whose files become new ids. */
const inQueue = (e: QueueEntry | undefined): boolean => e !== undefined && isMessage(e) && e.queueName !== 'maildrop';

/**
 * Arrivals and departures in one batch, for the trends: an id that becomes a message in the
 * queue proper arrives; one that leaves it (gone from the spool) departs. O(batch).
 */
export function countFlow(before: ReadonlyMap<string, QueueEntry>, applied: AppliedBatch): { arrivals: number; departures: number } {
  let arrivals = 0;
  let departures = 0;
  for (const e of applied.added) if (inQueue(e) && !inQueue(before.get(e.queueId))) arrivals++;
  for (const e of applied.removed) if (inQueue(e) && !inQueue(applied.entries.get(e.queueId))) departures++;
  return { arrivals, departures };
}

/** The state after one batch (pure; exported for the bench). */
export function applyBatchState(s: ConsoleData, batch: SpoolBatch): Partial<ConsoleData> {
  return stateAfterBatch(s, batch, applyBatchToEntries(s.entries, batch));
}

/**
 * The rest of a batch's store update once its entries are applied (stats, groupings, marks,
 * pending, flow): O(batch). Also what a batch prepared in slices (batch-job.ts) commits with.
 */
export function stateAfterBatch(s: ConsoleData, batch: SpoolBatch, applied: AppliedBatch, added?: AddedStats): Partial<ConsoleData> {
  const entries = applied.entries;
  // The groupings in use follow the change (O(batch)); one that cannot is rebuilt when read.
  for (const { index } of s.cache.groupIndexes) index.follow(s.entries, entries, applied.removed, applied.added);
  let queueStats: QueueStatsMap;
  if (added && added.from === s.queueStats) {
    for (const [q, times] of added.arrivals) s.oldest.addAll(q, times);
    queueStats = added.stats;
  } else {
    queueStats = batch.full
      ? computeQueueStats(entries.values(), s.oldest)
      : updateQueueStats(s.queueStats, applied.removed, applied.added, entries, s.oldest);
  }
  let marks = s.marks;
  let pending = s.pending;
  if (s.marks.size > 0) {
    const gone = applied.touched.filter((id) => s.marks.has(id) && !entries.has(id));
    if (gone.length > 0) {
      const next = new Set(s.marks);
      for (const id of gone) next.delete(id);
      marks = next;
    }
  }
  if (s.pending.size > 0) {
    const next = new Map(s.pending);
    for (const [id, op] of s.pending) if (batch.full && op.phase === 'settling') next.delete(id);
    for (const id of applied.touched) {
      const op = next.get(id);
      if (!op) continue;
      if (op.phase === 'settling') next.delete(id);
      else if (!op.seen) next.set(id, { ...op, seen: true });
    }
    pending = next;
  }
  // The initial index (and a first full scan) finds mail that was there: no arrivals.
  const indexing = s.batchCount === 0 || s.listedCounts !== null || batch.listedCounts !== undefined;
  let flow = s.flow;
  if (!indexing && applied.touched.length > 0) {
    const moved = countFlow(s.entries, applied);
    if (moved.arrivals + moved.departures > 0) flow = { arrivals: flow.arrivals + moved.arrivals, departures: flow.departures + moved.departures };
  }
  return {
    flow,
    entries,
    queueStats,
    marks,
    pending,
    listedCounts: batch.listedCounts ?? null,
    batchCount: s.batchCount + 1,
    lastEventAt: batch.firstEventAt,
    lastChange: { before: s.entries, after: entries, touched: applied.touched, added: applied.added },
    watcher: s.watcher.mode === 'starting' ? { ...s.watcher, mode: 'live' } : s.watcher,
  };
}

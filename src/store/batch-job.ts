/**
 * A watcher batch applied in slices: what applyBatchToEntries() (batch-apply.ts) and the
 * sorted list's update (visible-list.ts) would do in one go, done by step() a slice at a time,
 * then committed in one cheap set(). For the initial index: its parts reach the store in
 * tens of thousands of entries, and one such apply (a new map, a merge or full sort of the
 * whole list) kept the main thread for hundreds of ms at 100k, so a key pressed meanwhile
 * waited that long for its frame.
 *
 *   const job = prepareBatch(state, batch);      // O(1); nothing changes yet
 *   while (!job.step(due)) await nextTurn();     // keys and frames run between the steps
 *   const patch = job.commit(store.getState());  // null: the state moved on; apply the batch
 *
 * step() works until `due()` answers true (asked every CHECK_EVERY units of work): the net
 * change against the entries it started from (the same rules as applyBatchToEntries), a new
 * entry map (a batch of new ids only, as the index's parts are: their own Map stacked on the
 * old version, LayeredMap.withLayer; else a plain copy, handed to LayeredMap.from: no fold
 * left to pay later), and, when
 * the store's sorted list was current for those entries, the new sorted list (the new rows
 * sorted, then merged with the old list without the rows that left): O(n + k log k) in all.
 * commit() checks that the store still holds the entries the job started from (else null:
 * the caller applies the batch the usual way), then returns stateAfterBatch() (groupings,
 * marks, pending: O(k) when in use; the header's figures of a batch that only adds are summed
 * in the slices, the oldest-arrival heaps take them in one O(n) rebuild) and installs the sorted list in the selector cache when the
 * sort and its context are still the ones it was made with.
 *
 * Pure (no clock: the caller's `due` is the only notion of time). Never throws; a full batch
 * is not prepared (commit() answers null at once).
 */
import type { QueueEntry } from '../domain/entry.js';
import type { SpoolBatch } from '../domain/spool-batch.js';
import type { QueueName } from '../domain/queue.js';
import { asLayered, sameEntry, stateAfterBatch, type AddedStats, type AppliedBatch } from './batch-apply.js';
import type { ConsoleData } from './console-state.js';
import { LayeredMap } from './layered-map.js';
import { isMessage, type QueueStats } from './queue-stats.js';
import { mergeSliced, sortSliced } from './sliced-sort.js';
import { comparator, toSortRow, type SortRow } from './sort.js';
import { sortContextOf } from './visible-list.js';

export interface BatchJob {
  readonly batch: SpoolBatch;
  /** Work until `due()` is true (at least one unit); true once the job is ready to commit. */
  step(due: () => boolean): boolean;
  /** The store update (finish the job first), or null when the state is not the one it started from. */
  commit(state: ConsoleData): Partial<ConsoleData> | null;
  /** Stop the job (its iterators closed); commit() then answers null. */
  cancel(): void;
}

/** Instrumentation for tests: entries copied into new entry maps (none for an index part). */
export const batchJobCounters = { copied: 0 };

/** Units of work between two looks at `due()` (a look may read the clock). */
const CHECK_EVERY = 256;

export function prepareBatch(state: ConsoleData, batch: SpoolBatch): BatchJob {
  const from = state.entries;
  const { sortKey, sortReverse } = state;
  const ctx = sortContextOf(state);
  const master = state.cache.master;
  const base = master !== null && master.entries === from && master.sortKey === sortKey && master.sortReverse === sortReverse ? master.rows : null;
  let due: () => boolean = () => true;
  let units = 0;
  let nextLook = CHECK_EVERY;
  /** `done` more units of work (1 unless told): whether the slice is spent. */
  const pause = (done = 1) => {
    units += done;
    if (units < nextLook) return false;
    nextLook = units + CHECK_EVERY;
    return due();
  };
  let iterator: Iterator<[string, QueueEntry]> | null = null;
  let result: { applied: AppliedBatch; rows: readonly SortRow[] | null } | null = null;
  const from0 = state.queueStats;
  let addedStats: AddedStats | undefined;
  let cancelled = false;

  function* work(): Generator<void, void> {
    // The net change per id, as applyBatchToEntries() computes it (deletes after sets). A
    // distinct batch (the gate's) is its own net change: no map of an index part's ids.
    let sets: Map<string, QueueEntry> | null = null;
    if (!batch.distinct) {
      sets = new Map<string, QueueEntry>();
      for (const e of batch.upserts) {
        sets.set(e.queueId, e);
        if (pause()) yield;
      }
    }
    const gone = new Set<string>();
    for (const id of batch.removals) if (from.has(id) || sets?.has(id)) gone.add(id);
    const removed: QueueEntry[] = [];
    const added: QueueEntry[] = [];
    const touched: string[] = [];
    for (const e of sets ? sets.values() : batch.upserts) {
      const id = e.queueId;
      const old = from.get(id);
      const now = gone.has(id) ? undefined : old !== undefined && sameEntry(old, e) ? old : e;
      if (old !== now) {
        if (old) removed.push(old);
        if (now) added.push(now);
        touched.push(id);
      }
      if (pause()) yield;
    }
    for (const id of gone) {
      const old = from.get(id);
      if (sets?.has(id) || !old) continue;
      removed.push(old);
      touched.push(id);
    }
    // A batch that only adds (the index's parts): the header's figures summed here too.
    if (removed.length === 0 && added.length > 0) {
      const sums = new Map<QueueName, QueueStats>();
      const arrivals = new Map<QueueName, number[]>();
      for (const e of added) {
        if (isMessage(e)) {
          const q = e.queueName;
          let sum = sums.get(q);
          if (!sum) sums.set(q, (sum = { ...from0[q] }));
          sum.count++;
          sum.totalSize += e.messageSize;
          if (sum.oldestArrival === null || e.arrivalTime < sum.oldestArrival) sum.oldestArrival = e.arrivalTime;
          let times = arrivals.get(q);
          if (!times) arrivals.set(q, (times = []));
          times.push(e.arrivalTime);
        }
        if (pause()) yield;
      }
      addedStats = { from: from0, stats: { ...from0, ...Object.fromEntries(sums) }, arrivals };
    }
    if (touched.length === 0) {
      result = { applied: { entries: asLayered(from), removed, added, touched }, rows: base };
      return;
    }
    let entries: LayeredMap<string, QueueEntry>;
    if (removed.length === 0 && from instanceof LayeredMap && from.stackable) {
      // Only new ids (an index part): their own Map, stacked on the old version, no copy.
      const layer = new Map<string, QueueEntry>();
      for (const e of added) {
        layer.set(e.queueId, e);
        if (pause()) yield;
      }
      entries = (from as LayeredMap<string, QueueEntry>).withLayer(layer);
    } else {
      // A new map: a copy of the old one with the changes.
      const next = new Map<string, QueueEntry>();
      iterator = from.entries();
      for (let it = iterator.next(); !it.done; it = iterator.next()) {
        next.set(it.value[0], it.value[1]);
        if (pause()) yield;
      }
      iterator = null;
      batchJobCounters.copied += next.size;
      for (const e of removed) next.delete(e.queueId);
      for (const e of added) next.set(e.queueId, e);
      entries = LayeredMap.from(next);
    }
    let rows: readonly SortRow[] | null = null;
    if (base !== null) {
      const cmp = comparator(sortReverse);
      const fresh: SortRow[] = [];
      for (const e of added) {
        if (isMessage(e)) fresh.push(toSortRow(e, sortKey, ctx));
        if (pause()) yield;
      }
      const sorted = yield* sortSliced(fresh, cmp, pause);
      const left = removed.length > 0 ? new Set<QueueEntry>(removed) : null;
      rows = yield* mergeSliced(base, left && ((row) => left.has(row.entry)), sorted, cmp, pause);
    }
    result = { applied: { entries, removed, added, touched }, rows };
  }
  const run = batch.full ? null : work();

  return {
    batch,
    step(check) {
      if (run === null || cancelled || result !== null) return true;
      due = check;
      return run.next().done === true;
    },
    commit(now) {
      if (result === null || cancelled || now.entries !== from) return null;
      const patch = stateAfterBatch(now, batch, result.applied, addedStats);
      const sameOrder = now.sortKey === sortKey && now.sortReverse === sortReverse && now.limits === ctx.limits && now.emptyAddress === ctx.emptyAddress && now.hostRules === ctx.hosts;
      if (result.rows !== null && sameOrder) now.cache.master = { entries: result.applied.entries, sortKey, sortReverse, rows: result.rows };
      return patch;
    },
    cancel() {
      cancelled = true;
      // Closes the map's iterator too (an open one keeps the map from updating in place).
      iterator?.return?.();
      run?.return();
    },
  };
}

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
import { isMessage, type QueueStats, type QueueStatsMap } from './queue-stats.js';
import { mergeSliced, sortSliced } from './sliced-sort.js';
import { comparator, toSortRow, type SortContext, type SortKey, type SortRow } from './sort.js';
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

/** What the batch changes against the entries it started from (see applyBatchToEntries()). */
interface NetChange {
  removed: QueueEntry[];
  added: QueueEntry[];
  touched: string[];
}

/**
 * The loops below are plain functions over a range, the generator only hands out the ranges:
 * a generator with every loop in it was one large function, compiled again (tens of ms on
 * V8's threads, and slow until then) after each of its deopts, 4-6 times in a fill at 100k.
 */
function* inChunks(n: number, pause: (done: number) => boolean, run: (lo: number, hi: number) => void): Generator<void, void> {
  for (let lo = 0; lo < n; lo += CHECK_EVERY) {
    const hi = Math.min(n, lo + CHECK_EVERY);
    run(lo, hi);
    if (pause(hi - lo)) yield;
  }
}

function mapById(upserts: readonly QueueEntry[], lo: number, hi: number, sets: Map<string, QueueEntry>): void {
  for (let i = lo; i < hi; i++) sets.set(upserts[i]!.queueId, upserts[i]!);
}

/** The net change of `list[lo, hi)` (no id twice in it) against `from`. */
function classify(list: readonly QueueEntry[], lo: number, hi: number, from: ReadonlyMap<string, QueueEntry>, gone: ReadonlySet<string> | null, net: NetChange): void {
  for (let i = lo; i < hi; i++) {
    const e = list[i]!;
    const id = e.queueId;
    const old = from.get(id);
    const now = gone?.has(id) ? undefined : old !== undefined && sameEntry(old, e) ? old : e;
    if (old === now) continue;
    if (old) net.removed.push(old);
    if (now) net.added.push(now);
    net.touched.push(id);
  }
}

/** The header's figures of added messages, summed per queue onto `from` (a batch that only adds). */
function sumAdded(added: readonly QueueEntry[], lo: number, hi: number, from: QueueStatsMap, sums: Map<QueueName, QueueStats>, arrivals: Map<QueueName, number[]>): void {
  for (let i = lo; i < hi; i++) {
    const e = added[i]!;
    if (!isMessage(e)) continue;
    const q = e.queueName;
    let sum = sums.get(q);
    if (!sum) sums.set(q, (sum = { ...from[q] }));
    sum.count++;
    sum.totalSize += e.messageSize;
    if (sum.oldestArrival === null || e.arrivalTime < sum.oldestArrival) sum.oldestArrival = e.arrivalTime;
    let times = arrivals.get(q);
    if (!times) arrivals.set(q, (times = []));
    times.push(e.arrivalTime);
  }
}

function fillLayer(added: readonly QueueEntry[], lo: number, hi: number, layer: Map<string, QueueEntry>): void {
  for (let i = lo; i < hi; i++) layer.set(added[i]!.queueId, added[i]!);
}

/** Up to `n` more entries from `iterator` into `next`; true once it is spent. */
function copyEntries(iterator: Iterator<[string, QueueEntry]>, next: Map<string, QueueEntry>, n: number): boolean {
  for (let k = 0; k < n; k++) {
    const it = iterator.next();
    if (it.done) return true;
    next.set(it.value[0], it.value[1]);
  }
  return false;
}

function addRows(added: readonly QueueEntry[], lo: number, hi: number, rows: SortRow[], key: SortKey, ctx: SortContext): void {
  for (let i = lo; i < hi; i++) if (isMessage(added[i]!)) rows.push(toSortRow(added[i]!, key, ctx));
}

export function prepareBatch(state: ConsoleData, batch: SpoolBatch): BatchJob {
  const from = state.entries;
  const { sortKey, sortReverse } = state;
  const ctx = sortContextOf(state);
  const master = state.cache.master;
  const base = master !== null && master.entries === from && master.sortKey === sortKey && master.sortReverse === sortReverse ? master.rows : null;
  let due: () => boolean = () => true;
  let units = 0;
  let nextLook = CHECK_EVERY;
  /** `done` more units of work (1 unless told): whether the slice is spent (asked each CHECK_EVERY units). */
  const pause = (done = 1) => {
    units += done;
    if (units < nextLook) return false;
    while (nextLook <= units) nextLook += CHECK_EVERY;
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
    let list: readonly QueueEntry[] = batch.upserts;
    let sets: Map<string, QueueEntry> | null = null;
    if (!batch.distinct) {
      const byId = (sets = new Map<string, QueueEntry>());
      yield* inChunks(list.length, pause, (lo, hi) => mapById(batch.upserts, lo, hi, byId));
      list = [...sets.values()];
    }
    const gone = new Set<string>();
    for (const id of batch.removals) if (from.has(id) || sets?.has(id)) gone.add(id);
    const net: NetChange = { removed: [], added: [], touched: [] };
    const upserts = list;
    yield* inChunks(upserts.length, pause, (lo, hi) => classify(upserts, lo, hi, from, gone.size > 0 ? gone : null, net));
    const { removed, added, touched } = net;
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
      yield* inChunks(added.length, pause, (lo, hi) => sumAdded(added, lo, hi, from0, sums, arrivals));
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
      yield* inChunks(added.length, pause, (lo, hi) => fillLayer(added, lo, hi, layer));
      entries = (from as LayeredMap<string, QueueEntry>).withLayer(layer);
    } else {
      // A new map: a copy of the old one with the changes.
      const next = new Map<string, QueueEntry>();
      iterator = from.entries();
      while (!copyEntries(iterator, next, CHECK_EVERY)) if (pause(CHECK_EVERY)) yield;
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
      yield* inChunks(added.length, pause, (lo, hi) => addRows(added, lo, hi, fresh, sortKey, ctx));
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

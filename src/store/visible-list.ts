/**
 * The sorted list behind the console's view: every message in sort order (the master list),
 * and the current view (queue + filter) as rows that carry their entries.
 *
 * Costs at n entries: a batch of k changes patches both lists by binary search and one
 * array copy each (O(k log n) comparisons, no sort; ~3-4 ms at 100k here, mostly allocating
 * the new 800 KB array); a new queue view or filter filters the master list (O(n), no
 * sort); a new sort key sorts once (O(n log n)); a batch larger than an eighth of the list
 * sorts in full. A batch that changes nothing in the view keeps the
 * view's array (===), so nothing downstream re-renders.
 *
 * Pure: fills state.cache only. Never throws.
 */
import type { QueueEntry } from '../domain/entry.js';
import type { ConsoleData } from './console-state.js';
import { isMessage } from './queue-stats.js';
import type { MasterSlot } from './selector-cache.js';
import { patchRows, sortRows, type SortContext, type SortRow } from './sort.js';

/** The lifetimes and null-sender name the `expires` key reads. */
export function sortContextOf(state: ConsoleData): SortContext {
  return { limits: state.limits, emptyAddress: state.emptyAddress, hosts: state.hostRules };
}

/** Above this share of changed ids a full sort is cheaper than a merge. */
const MERGE_MAX_SHARE = 1 / 8;

function viewMatcher(state: ConsoleData): ((e: QueueEntry) => boolean) | null {
  const { queueFilter, filter, clock } = state;
  if (filter.empty) return queueFilter === 'all' ? null : (e) => e.queueName === queueFilter;
  return (e) => (queueFilter === 'all' || e.queueName === queueFilter) && filter.match(e, clock);
}

/** The last batch's ids, when it leads from `from` to the current entries and is small. */
function smallChange(state: ConsoleData, from: ReadonlyMap<string, QueueEntry>, rows: number): readonly string[] | null {
  const change = state.lastChange;
  if (change === null || change.before !== from || change.after !== state.entries) return null;
  return change.touched.length <= Math.max(64, rows * MERGE_MAX_SHARE) ? change.touched : null;
}

/**
 * The sorted rows after the last batch: the touched ids leave, and
 * those that (still) belong come back at their place. Never mutates its inputs.
 */
function applyTouched(
  state: ConsoleData,
  rows: readonly SortRow[],
  touched: readonly string[],
  belongs: (e: QueueEntry) => boolean,
): readonly SortRow[] {
  const before = state.lastChange!.before;
  const changes = [...new Set(touched)].map((id) => {
    const now = state.entries.get(id);
    return { old: before.get(id), now: now && belongs(now) ? now : undefined };
  });
  return patchRows(rows, changes, state.sortKey, state.sortReverse, sortContextOf(state));
}

/** Every message in sort order: merged after small batches, sorted in full otherwise. */
function selectMaster(state: ConsoleData): MasterSlot {
  const cache = state.cache;
  const prev = cache.master;
  const sameSort = prev !== null && prev.sortKey === state.sortKey && prev.sortReverse === state.sortReverse;
  if (sameSort && prev.entries === state.entries) return prev;
  const touched = sameSort ? smallChange(state, prev.entries, prev.rows.length) : null;
  let rows: readonly SortRow[];
  if (sameSort && touched) {
    rows = applyTouched(state, prev.rows, touched, isMessage);
    cache.stats.merges++;
  } else {
    const all: QueueEntry[] = [];
    for (const e of state.entries.values()) if (isMessage(e)) all.push(e);
    rows = sortRows(all, state.sortKey, state.sortReverse, sortContextOf(state));
    cache.stats.fullSorts++;
  }
  cache.master = { entries: state.entries, sortKey: state.sortKey, sortReverse: state.sortReverse, rows };
  return cache.master;
}

/** The rows of the current view (queue + filter) in sort order; memoised per store. */
export function selectVisibleRows(state: ConsoleData): readonly SortRow[] {
  const cache = state.cache;
  const prev = cache.visible;
  const clock = state.filter.usesNow ? state.clock : 0;
  const sameView =
    prev !== null &&
    prev.queueFilter === state.queueFilter &&
    prev.filter === state.filter &&
    prev.sortKey === state.sortKey &&
    prev.sortReverse === state.sortReverse &&
    prev.clock === clock;
  if (sameView && prev.entries === state.entries) return prev.rows;

  const matches = viewMatcher(state);
  const touched = sameView ? smallChange(state, prev.entries, prev.rows.length) : null;
  let rows: readonly SortRow[];
  if (sameView && touched && matches !== null) {
    rows = applyTouched(state, prev.rows, touched, (e) => isMessage(e) && matches(e));
    cache.stats.merges++;
    // Keep the master list in step, so a later view change needs no sort.
    if (cache.master?.entries === prev.entries) selectMaster(state);
  } else {
    const master = selectMaster(state).rows;
    if (matches === null) {
      rows = master; // the all-messages view is the master list itself
    } else {
      rows = master.filter((r) => matches(r.entry));
      cache.stats.filters++;
    }
  }
  const same = rows === prev?.rows;
  cache.visible = {
    entries: state.entries,
    queueFilter: state.queueFilter,
    filter: state.filter,
    sortKey: state.sortKey,
    sortReverse: state.sortReverse,
    clock,
    rows,
    ids: same ? prev!.ids : null,
    index: same ? prev!.index : null,
  };
  return rows;
}

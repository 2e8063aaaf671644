/**
 * Memoised selectors over ConsoleState. Each returns the same object (===) until one of its
 * inputs changes identity, so `useStore(store, (s) => selectWindow(s, 15))` is safe in React
 * (no fresh objects) and a key press costs only what it changed:
 *
 * - selectVisibleIds: the ids of the current queue view + filter, in sort order. Recomputed
 *   only when entries, queue view, filter, sort (or the clock, for an age filter) change,
 *   never on cursor moves or marks. After a small batch it merges the changed ids into the
 *   previous order (O(n + k log k)) instead of re-sorting.
 * - selectWindow(height): the rows around the cursor: O(height) per cursor move.
 * - selectCursorIndex / selectCursorEntry, selectCounts, selectMarkedHidden.
 *
 * Pure (they only fill state.cache). Never throw.
 */
import type { QueueEntry } from '../domain/entry.js';
import { QUEUE_NAMES, type QueueName } from '../domain/queue.js';
import type { ConsoleData, PendingOp } from './console-state.js';
import { isMessage, type QueueStats } from './queue-stats.js';
import { memoLru, memoSlot, type MasterSlot } from './selector-cache.js';
import { findRow, mergeRows, sortRows, spliceRows, type SortRow } from './sort.js';

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

/** Up to this many changed ids are spliced in place; more are merged in one pass. */
const SPLICE_MAX = 32;

/**
 * The sorted rows (and ids, when given) after the last batch: the touched ids leave, and
 * those that (still) belong come back at their place. Never mutates its inputs.
 */
function applyTouched(
  state: ConsoleData,
  rows: readonly SortRow[],
  ids: readonly string[] | null,
  touched: readonly string[],
  belongs: (e: QueueEntry) => boolean,
): { rows: SortRow[]; ids: string[] | null } {
  const before = state.lastChange!.before;
  const unique = new Set(touched);
  if (unique.size <= SPLICE_MAX) {
    const outRows = rows.slice();
    const outIds = ids ? ids.slice() : null;
    const changes = [...unique].map((id) => {
      const old = before.get(id);
      const now = state.entries.get(id);
      return { old, now: now && belongs(now) ? now : undefined };
    });
    spliceRows(outRows, outIds, changes, state.sortKey, state.sortReverse);
    return { rows: outRows, ids: outIds };
  }
  const kept = rows.filter((r) => !unique.has(r.id));
  const added: QueueEntry[] = [];
  for (const id of unique) {
    const e = state.entries.get(id);
    if (e && belongs(e)) added.push(e);
  }
  const merged = mergeRows(kept, added, state.sortKey, state.sortReverse);
  return { rows: merged, ids: ids ? merged.map((r) => r.id) : null };
}

/** Every message in sort order: merged after small batches, sorted in full otherwise. */
function selectMaster(state: ConsoleData): MasterSlot {
  const cache = state.cache;
  const prev = cache.master;
  const sameSort = prev !== null && prev.sortKey === state.sortKey && prev.sortReverse === state.sortReverse;
  if (sameSort && prev.entries === state.entries) return prev;
  const touched = sameSort ? smallChange(state, prev.entries, prev.rows.length) : null;
  let rows: readonly SortRow[];
  let ids: readonly string[] | null = null;
  if (sameSort && touched) {
    ({ rows, ids } = applyTouched(state, prev.rows, prev.ids, touched, isMessage));
    cache.stats.merges++;
  } else {
    const all: QueueEntry[] = [];
    for (const e of state.entries.values()) if (isMessage(e)) all.push(e);
    rows = sortRows(all, state.sortKey, state.sortReverse);
    cache.stats.fullSorts++;
  }
  cache.master = { entries: state.entries, sortKey: state.sortKey, sortReverse: state.sortReverse, rows, ids };
  return cache.master;
}

/**
 * The ids of the current view in sort order. A batch merges into the previous list; a new
 * queue view or filter filters the sorted master list (O(n), no sort); only a new sort key
 * (or a big batch) sorts.
 */
export function selectVisibleIds(state: ConsoleData): readonly string[] {
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
  if (sameView && prev.entries === state.entries) return prev.ids;

  const matches = viewMatcher(state);
  const touched = sameView ? smallChange(state, prev.entries, prev.rows.length) : null;
  let rows: readonly SortRow[];
  let ids: readonly string[] | null = null;
  if (sameView && touched && matches !== null) {
    ({ rows, ids } = applyTouched(state, prev.rows, prev.ids, touched, (e) => isMessage(e) && matches(e)));
    cache.stats.merges++;
    // Keep the master list in step, so a later view change needs no sort.
    if (cache.master?.entries === prev.entries) selectMaster(state);
  } else {
    const master = selectMaster(state);
    if (matches === null) {
      // The all-messages view is the master list itself.
      rows = master.rows;
      master.ids ??= rows.map((r) => r.id);
      ids = master.ids;
    } else {
      rows = master.rows.filter((r) => matches(r.entry));
      cache.stats.filters++;
    }
  }
  cache.visible = {
    entries: state.entries,
    queueFilter: state.queueFilter,
    filter: state.filter,
    sortKey: state.sortKey,
    sortReverse: state.sortReverse,
    clock,
    rows,
    ids: ids ?? (rows === prev?.rows ? prev.ids : rows.map((r) => r.id)),
    index: null,
  };
  return cache.visible.ids;
}

/** id -> position in selectVisibleIds (built once per visible list, on first use). */
export function selectVisibleIndex(state: ConsoleData): ReadonlyMap<string, number> {
  const ids = selectVisibleIds(state);
  const slot = state.cache.visible!;
  if (slot.index === null) {
    const index = new Map<string, number>();
    for (let i = 0; i < ids.length; i++) index.set(ids[i]!, i);
    slot.index = index;
  }
  return slot.index;
}

/** The cursor's row in the visible list; -1 when the list is empty. */
export function selectCursorIndex(state: ConsoleData): number {
  const ids = selectVisibleIds(state);
  if (ids.length === 0) return -1;
  const hint = Math.min(Math.max(state.cursorHint, 0), ids.length - 1);
  const id = state.cursorId;
  if (id === null || ids[hint] === id) return hint;
  const at = selectRowIndex(state, id);
  return at < 0 ? hint : at;
}

/** The position of an id in the visible list, -1 when not shown: O(log n), no index map. */
export function selectRowIndex(state: ConsoleData, queueId: string): number {
  selectVisibleIds(state);
  const entry = state.entries.get(queueId);
  if (!entry) return -1;
  return findRow(state.cache.visible!.rows, entry, state.sortKey, state.sortReverse);
}

export function selectCursorEntry(state: ConsoleData): QueueEntry | null {
  const index = selectCursorIndex(state);
  if (index < 0) return null;
  return state.entries.get(selectVisibleIds(state)[index]!) ?? null;
}

/** Keep the cursor inside [top, top + height): scroll only as far as needed. */
export function scrollTopFor(top: number, cursor: number, height: number, total: number): number {
  const h = Math.max(1, height);
  let t = top;
  if (cursor < t) t = cursor;
  if (cursor >= t + h) t = cursor - h + 1;
  return Math.max(0, Math.min(t, Math.max(0, total - h)));
}

export interface WindowRow {
  entry: QueueEntry;
  /** Position in the visible list. */
  index: number;
  cursor: boolean;
  marked: boolean;
  pending: PendingOp | null;
}

export interface ListWindow {
  rows: readonly WindowRow[];
  /** Index of the first row. */
  start: number;
  /** Rows in the whole visible list. */
  total: number;
  /** -1 when the list is empty. */
  cursorIndex: number;
  height: number;
}

/** The rows to render: `height` rows (fewer at the end) with the cursor among them. */
export function selectWindow(state: ConsoleData, height: number = state.viewportHeight): ListWindow {
  const ids = selectVisibleIds(state);
  const cursorIndex = selectCursorIndex(state);
  const start = scrollTopFor(state.scrollTop, Math.max(cursorIndex, 0), height, ids.length);
  const key = [ids, state.entries, start, height, cursorIndex, state.marks, state.pending];
  return memoLru(state.cache.windows, 4, key, () => {
    const rows: WindowRow[] = [];
    const end = Math.min(ids.length, start + Math.max(0, height));
    for (let i = start; i < end; i++) {
      const id = ids[i]!;
      const entry = state.entries.get(id);
      if (!entry) continue;
      rows.push({
        entry,
        index: i,
        cursor: i === cursorIndex,
        marked: state.marks.has(id),
        pending: state.pending.get(id) ?? null,
      });
    }
    return { rows, start, total: ids.length, cursorIndex, height };
  });
}

export interface QueueCount extends QueueStats {
  /** Entries read so far; `count` is the listing's count while the initial index runs. */
  indexed: number;
}

export interface CountsView {
  queues: Readonly<Record<QueueName, QueueCount>>;
  total: QueueCount;
  /** True while the initial index is still reading files. */
  indexing: boolean;
}

/** Per-queue counts for the header (all six, zeros included) and the total. */
export function selectCounts(state: ConsoleData): CountsView {
  return memoSlot(state.cache, 'counts', [state.queueStats, state.listedCounts], () => {
    const listed = state.listedCounts;
    const total: QueueCount = { count: 0, indexed: 0, totalSize: 0, oldestArrival: null };
    const queues = {} as Record<QueueName, QueueCount>;
    for (const q of QUEUE_NAMES) {
      const s = state.queueStats[q];
      const count = Math.max(s.count, listed?.[q] ?? 0);
      queues[q] = { ...s, count, indexed: s.count };
      total.count += count;
      total.indexed += s.count;
      total.totalSize += s.totalSize;
      if (s.oldestArrival !== null && (total.oldestArrival === null || s.oldestArrival < total.oldestArrival)) {
        total.oldestArrival = s.oldestArrival;
      }
    }
    return { queues, total, indexing: listed !== null };
  });
}

/** How many marked messages the current queue view or filter hides (still in the spool). */
export function selectMarkedHidden(state: ConsoleData): number {
  const ids = selectVisibleIds(state);
  return memoSlot(state.cache, 'markedHidden', [state.marks, ids, state.entries], () => {
    if (state.marks.size === 0) return 0;
    const index = selectVisibleIndex(state);
    let hidden = 0;
    for (const id of state.marks) if (!index.has(id) && state.entries.has(id)) hidden++;
    return hidden;
  });
}

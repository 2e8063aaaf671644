/**
 * Memoised selectors over ConsoleState. Each returns the same object (===) until one of its
 * inputs changes identity, so `useStore(store, (s) => selectWindow(s, 15))` is safe in React
 * (no fresh objects) and a key press costs only what it changed:
 *
 * - selectVisibleIds (and selectVisibleRows in visible-list.ts): the current queue view +
 *   filter in sort order. Recomputed only when entries, queue view, filter, sort (or the
 *   clock, for an age filter) change, never on cursor moves or marks; a batch patches the
 *   previous order instead of re-sorting (visible-list.ts has the costs).
 * - selectWindow(height): the rows around the cursor: O(height) per cursor move.
 * - selectCursorIndex / selectCursorEntry, selectCounts, selectMarkedHidden.
 *
 * Pure (they only fill state.cache). Never throw.
 */
import type { QueueEntry } from '../domain/entry.js';
import { QUEUE_NAMES, type QueueName } from '../domain/queue.js';
import type { ConsoleData, PendingOp } from './console-state.js';
import type { QueueStats } from './queue-stats.js';
import { memoLru, memoSlot } from './selector-cache.js';
import { expiresAt, findRow } from './sort.js';
import { selectVisibleRows, sortContextOf } from './visible-list.js';

/** The ids of the current view in sort order (derived once per list version). */
export function selectVisibleIds(state: ConsoleData): readonly string[] {
  const rows = selectVisibleRows(state);
  const slot = state.cache.visible!;
  slot.ids ??= rows.map((r) => r.id);
  return slot.ids;
}

/** id -> position in selectVisibleIds (built once per visible list, on first use). */
export function selectVisibleIndex(state: ConsoleData): ReadonlyMap<string, number> {
  const rows = selectVisibleRows(state);
  const slot = state.cache.visible!;
  if (slot.index === null) {
    const index = new Map<string, number>();
    for (let i = 0; i < rows.length; i++) index.set(rows[i]!.id, i);
    slot.index = index;
  }
  return slot.index;
}

/** The cursor's row in the visible list; -1 when the list is empty. */
export function selectCursorIndex(state: ConsoleData): number {
  const rows = selectVisibleRows(state);
  if (rows.length === 0) return -1;
  const hint = Math.min(Math.max(state.cursorHint, 0), rows.length - 1);
  const id = state.cursorId;
  if (id === null || rows[hint]!.id === id) return hint;
  const at = selectRowIndex(state, id);
  return at < 0 ? hint : at;
}

/** The position of an id in the visible list, -1 when not shown: O(log n), no index map. */
export function selectRowIndex(state: ConsoleData, queueId: string): number {
  const rows = selectVisibleRows(state);
  const entry = state.entries.get(queueId);
  if (!entry) return -1;
  return findRow(rows, entry, state.sortKey, state.sortReverse, sortContextOf(state));
}

export function selectCursorEntry(state: ConsoleData): QueueEntry | null {
  const index = selectCursorIndex(state);
  if (index < 0) return null;
  return selectVisibleRows(state)[index]!.entry;
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
  /** Deferred and held mail: when it expires (epoch s; -Infinity = forced), else null. */
  expiresAt?: number | null;
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
  const list = selectVisibleRows(state);
  const cursorIndex = selectCursorIndex(state);
  const start = scrollTopFor(state.scrollTop, Math.max(cursorIndex, 0), height, list.length);
  const key = [list, start, height, cursorIndex, state.marks, state.pending, state.limits, state.hostRules];
  const ctx = sortContextOf(state);
  return memoLru(state.cache.windows, 4, key, () => {
    const rows: WindowRow[] = [];
    const end = Math.min(list.length, start + Math.max(0, height));
    for (let i = start; i < end; i++) {
      const { id, entry } = list[i]!;
      rows.push({
        entry,
        index: i,
        cursor: i === cursorIndex,
        marked: state.marks.has(id),
        pending: state.pending.get(id) ?? null,
        expiresAt: entry.queueName === 'deferred' || entry.queueName === 'hold' ? expiresAt(entry, ctx) : null,
      });
    }
    return { rows, start, total: list.length, cursorIndex, height };
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
  const rows = selectVisibleRows(state);
  return memoSlot(state.cache, 'markedHidden', [state.marks, rows, state.entries], () => {
    if (state.marks.size === 0) return 0;
    const index = selectVisibleIndex(state);
    let hidden = 0;
    for (const id of state.marks) if (!index.has(id) && state.entries.has(id)) hidden++;
    return hidden;
  });
}

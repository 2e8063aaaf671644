/**
 * The store's cursor and mark operations (part of createConsoleStore): the cursor moves by
 * rows of the visible list and is kept as a queue id; the window scrolls only as needed.
 * Pure state transitions through zustand's set(); never throw.
 */
import type { StoreApi } from 'zustand/vanilla';
import type { ConsoleActions, ConsoleData, ConsoleState } from './console-state.js';
import { scrollTopFor, selectCursorEntry, selectCursorIndex, selectRowIndex, selectVisibleIds } from './selectors.js';
import { selectVisibleRows } from './visible-list.js';

type SelectionOps = Pick<
  ConsoleActions,
  | 'setViewportHeight'
  | 'moveCursor'
  | 'setCursorIndex'
  | 'setCursorId'
  | 'cursorTop'
  | 'cursorBottom'
  | 'pageDown'
  | 'pageUp'
  | 'toggleMark'
  | 'markRange'
  | 'markAllMatching'
  | 'clearMarks'
>;

/** Cursor to a row of the visible list (clamped), scrolling only as needed. */
export function cursorTo(s: ConsoleData, index: number): Partial<ConsoleData> {
  const rows = selectVisibleRows(s);
  if (rows.length === 0) return { cursorId: null, cursorHint: 0, scrollTop: 0 };
  const i = Math.min(Math.max(index, 0), rows.length - 1);
  return { cursorId: rows[i]!.id, cursorHint: i, scrollTop: scrollTopFor(s.scrollTop, i, s.viewportHeight, rows.length) };
}

export function createSelectionOps(set: StoreApi<ConsoleState>['setState']): SelectionOps {
  const move = (delta: (s: ConsoleData) => number) => set((s) => cursorTo(s, Math.max(selectCursorIndex(s), 0) + delta(s)));
  return {
    setViewportHeight(rows) {
      set({ viewportHeight: Math.max(1, Math.floor(rows)) });
    },
    moveCursor(delta) {
      move(() => delta);
    },
    setCursorIndex(index) {
      set((s) => cursorTo(s, index));
    },
    setCursorId(queueId) {
      set((s) => {
        const i = selectRowIndex(s, queueId);
        return i < 0 ? {} : cursorTo(s, i);
      });
    },
    cursorTop() {
      set((s) => cursorTo(s, 0));
    },
    cursorBottom() {
      set((s) => cursorTo(s, Number.MAX_SAFE_INTEGER));
    },
    pageDown() {
      move((s) => s.viewportHeight);
    },
    pageUp() {
      move((s) => -s.viewportHeight);
    },

    toggleMark(advance = false) {
      set((s) => {
        const entry = selectCursorEntry(s);
        if (!entry) return {};
        const marks = new Set(s.marks);
        if (!marks.delete(entry.queueId)) marks.add(entry.queueId);
        const moved = advance ? cursorTo(s, selectCursorIndex(s) + 1) : {};
        return { marks, markAnchor: entry.queueId, ...moved };
      });
    },
    markRange() {
      set((s) => {
        const rows = selectVisibleRows(s);
        const cursor = selectCursorIndex(s);
        if (cursor < 0) return {};
        const found = s.markAnchor === null ? -1 : selectRowIndex(s, s.markAnchor);
        const anchor = found < 0 ? cursor : found;
        const from = Math.min(anchor, cursor);
        const to = Math.max(anchor, cursor);
        const marks = new Set(s.marks);
        for (let i = from; i <= to; i++) marks.add(rows[i]!.id);
        return { marks, markAnchor: rows[cursor]!.id };
      });
    },
    markAllMatching() {
      set((s) => {
        const ids = selectVisibleIds(s);
        if (ids.length === 0) return {};
        const marks = new Set(s.marks);
        for (const id of ids) marks.add(id);
        return { marks };
      });
    },
    clearMarks() {
      set({ marks: new Set(), markAnchor: null });
    },
  };
}

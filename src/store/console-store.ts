/**
 * The console store: a zustand/vanilla projection of the spool plus the console's selection,
 * filter, sort, pending actions and flash line. The contract between the watcher (writes
 * batches), the UI (reads selectors, calls operations) and the backend (runs actions).
 *
 *   const store = createConsoleStore({ backend, now: Date.now });
 *   watcher -> store.getState().applySpoolBatch(batch)       // one set() per batch
 *   watcher -> store.getState().setWatcherStatus({ mode: 'polling', message: '...' })
 *   UI      -> useStore(store, (s) => selectWindow(s, rows)) // memoised, O(rows) per move
 *   UI      -> useStore(store, selectCounts)                 // header: all six queues
 *   UI      -> store.getState().moveCursor(1), toggleMark(true), setFilterText('from:x'), ...
 *   UI      -> requestAction('hold') -> state.confirmation -> confirmAction(typed?) | cancelAction()
 *
 * State (console-state.ts has every field documented):
 *   entries Map<queueId, QueueEntry>, queueStats (count/totalSize/oldestArrival x 6 queues),
 *   listedCounts (initial index), watcher {mode, message, warnings}, paused, flash {text,
 *   level, at}, pending Map<queueId, {action, phase, seen}>, readOnlyReason, queueFilter
 *   ('all' | queue), cursorId (+ cursorHint, scrollTop, viewportHeight), marks Set,
 *   markAnchor, sortKey/sortReverse, filterText/filter/filterError, confirmation, clock.
 *
 * Selectors (selectors.ts, qshape.ts; memoised, return the same object until inputs change):
 *   selectVisibleIds, selectVisibleIndex, selectCursorIndex, selectCursorEntry,
 *   selectWindow(state, height?), selectCounts, selectMarkedHidden, selectQueueShape.
 * Filter language (filter-parse.ts, filter-match.ts): compileFilter(text) -> { match(entry,
 *   nowMs) } | { error: { position, message } }, shared with the CLI's --filter.
 *
 * Rules: Maps and Sets in state are replaced, never mutated. The list never changes
 * optimistically: an action marks its ids pending; the watcher's next batch touching an id
 * settles it (a full batch settles all). Marks follow ids across moves; removed ids lose
 * their mark. A filter that does not parse keeps the previous filter in force and sets
 * filterError. Actions refused (read-only, unsupported, nothing selected) set the flash.
 * Errors: nothing here throws for bad data; a backend whose run() rejects becomes an error
 * flash. Imports no react, ink, fs or child_process (test/store/layering.test.ts).
 */
import { createStore } from 'zustand/vanilla';
import type { QueueBackend } from '../domain/backend.js';
import type { QueueEntry } from '../domain/entry.js';
import type { SpoolBatch } from '../domain/spool-batch.js';
import { applyBatchToEntries, composeBatches } from './batch-apply.js';
import { buildConfirmation, describeResult, formatCount } from './confirm.js';
import type { ConsoleData, ConsoleState, ConsoleStore, FlashLevel, PendingOp } from './console-state.js';
import { compileFilter, isFilterError, MATCH_ALL } from './filter-match.js';
import { computeQueueStats, emptyQueueStats, updateQueueStats } from './queue-stats.js';
import { LayeredMap } from './layered-map.js';
import { createSelectorCache } from './selector-cache.js';
import { selectCursorEntry, selectCursorIndex, selectRowIndex, selectVisibleIds, scrollTopFor } from './selectors.js';
import { SORT_KEYS, type SortKey } from './sort.js';

export type * from './console-state.js';

export interface ConsoleStoreOptions {
  backend: QueueBackend;
  /** Epoch milliseconds; Date.now by default. */
  now?: () => number;
  /** Initial sort (default age, oldest first). */
  sortKey?: SortKey;
  viewportHeight?: number;
}

/** The state after one batch (pure; exported for the bench). */
export function applyBatchState(s: ConsoleData, batch: SpoolBatch): Partial<ConsoleData> {
  const applied = applyBatchToEntries(s.entries, batch);
  const entries = applied.entries;
  const queueStats = batch.full
    ? computeQueueStats(entries.values())
    : updateQueueStats(s.queueStats, applied.removed, applied.added, entries);
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
  return {
    entries,
    queueStats,
    marks,
    pending,
    listedCounts: batch.listedCounts ?? null,
    batchCount: s.batchCount + 1,
    lastEventAt: batch.firstEventAt,
    lastChange: { before: s.entries, after: entries, touched: applied.touched },
    watcher: s.watcher.mode === 'starting' ? { ...s.watcher, mode: 'live' } : s.watcher,
  };
}

export function createConsoleStore(options: ConsoleStoreOptions): ConsoleStore {
  const { backend } = options;
  const now = options.now ?? Date.now;

  return createStore<ConsoleState>()((set, get) => {
    const flash = (text: string, level: FlashLevel = 'info') => set({ flash: { text, level, at: now() } });

    /** Cursor to a row of the visible list (clamped), scrolling only as needed. */
    const cursorTo = (s: ConsoleData, index: number): Partial<ConsoleData> => {
      const ids = selectVisibleIds(s);
      if (ids.length === 0) return { cursorId: null, cursorHint: 0, scrollTop: 0 };
      const i = Math.min(Math.max(index, 0), ids.length - 1);
      return { cursorId: ids[i]!, cursorHint: i, scrollTop: scrollTopFor(s.scrollTop, i, s.viewportHeight, ids.length) };
    };
    const move = (delta: (s: ConsoleData) => number) =>
      set((s) => cursorTo(s, Math.max(selectCursorIndex(s), 0) + delta(s)));
    /** A new view (queue, filter, sort): keep the cursor's id if shown there, else the top. */
    const newView = { cursorHint: 0, scrollTop: 0 };

    return {
      entries: LayeredMap.empty<string, QueueEntry>(),
      queueStats: emptyQueueStats(),
      listedCounts: null,
      batchCount: 0,
      lastEventAt: null,
      watcher: { mode: 'starting', message: null, warnings: [] },
      paused: false,
      heldBatch: null,
      flash: null,
      pending: new Map(),
      readOnlyReason: backend.disabledReason,
      queueFilter: 'all',
      cursorId: null,
      cursorHint: 0,
      scrollTop: 0,
      viewportHeight: options.viewportHeight ?? 15,
      marks: new Set(),
      markAnchor: null,
      sortKey: options.sortKey ?? 'age',
      sortReverse: false,
      filterText: '',
      filter: MATCH_ALL,
      filterError: null,
      confirmation: null,
      clock: now(),
      lastChange: null,
      cache: createSelectorCache(),

      applySpoolBatch(batch) {
        const s = get();
        if (s.paused) {
          set({ heldBatch: s.heldBatch ? composeBatches(s.heldBatch, batch) : batch });
          return;
        }
        set((st) => applyBatchState(st, batch));
      },
      setWatcherStatus(status) {
        set((s) => ({ watcher: { ...s.watcher, ...status } }));
      },
      setPaused(paused) {
        set((s) => {
          if (paused === s.paused) return {};
          if (paused || !s.heldBatch) return { paused, heldBatch: null };
          return { ...applyBatchState(s, s.heldBatch), paused, heldBatch: null };
        });
      },
      togglePaused() {
        get().setPaused(!get().paused);
      },
      setFlash: flash,
      clearFlash() {
        set({ flash: null });
      },
      tick() {
        set({ clock: now() });
      },

      setQueueFilter(queueFilter) {
        set({ queueFilter, ...newView });
      },
      setFilterText(filterText) {
        const compiled = compileFilter(filterText);
        if (isFilterError(compiled)) {
          set({ filterText, filterError: compiled.error });
          return;
        }
        // Same text as in force: keep the compiled object, so nothing re-sorts.
        const same = compiled.text === get().filter.text;
        set({ filterText, filterError: null, ...(same ? {} : { filter: compiled, clock: now(), ...newView }) });
      },
      setSort(sortKey, sortReverse = false) {
        set({ sortKey, sortReverse, ...newView });
      },
      cycleSort() {
        const i = SORT_KEYS.indexOf(get().sortKey);
        get().setSort(SORT_KEYS[(i + 1) % SORT_KEYS.length]!);
      },
      toggleSortReverse() {
        set((s) => ({ sortReverse: !s.sortReverse, ...newView }));
      },

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
          const ids = selectVisibleIds(s);
          const cursor = selectCursorIndex(s);
          if (cursor < 0) return {};
          const found = s.markAnchor === null ? -1 : selectRowIndex(s, s.markAnchor);
          const anchor = found < 0 ? cursor : found;
          const from = Math.min(anchor, cursor);
          const to = Math.max(anchor, cursor);
          const marks = new Set(s.marks);
          for (let i = from; i <= to; i++) marks.add(ids[i]!);
          return { marks, markAnchor: ids[cursor]! };
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

      requestAction(action, scope = 'auto') {
        const request = buildConfirmation(get(), backend, action, scope);
        if (request.ok) set({ confirmation: request.confirmation });
        else flash(request.text, request.level);
      },
      cancelAction() {
        set({ confirmation: null });
      },
      async confirmAction(typed) {
        const c = get().confirmation;
        if (!c) return null;
        if (c.requireWord !== null && typed !== c.requireWord) {
          flash(`type ${c.requireWord} to confirm (${c.title})`, 'warn');
          return null;
        }
        if (backend.disabledReason !== null) {
          set({ confirmation: null });
          flash(`${c.action} is disabled: ${backend.disabledReason}`, 'warn');
          return null;
        }
        set((s) => {
          const pending = new Map(s.pending);
          for (const t of c.targets) pending.set(t.queueId, { action: c.action, phase: 'running', seen: false });
          const text = `${c.action}: ${formatCount(c.count)} message${c.count === 1 ? '' : 's'}, running`;
          return { confirmation: null, pending, flash: { text, level: 'info', at: now() } };
        });
        const ids = c.targets.map((t) => t.queueId);
        let result;
        try {
          result = await backend.run(c.action, c.targets);
        } catch (error) {
          get().settlePending(ids);
          flash(`${c.action} failed: ${(error as Error).message}`, 'error');
          return null;
        }
        const outcomes = new Map(result.outcomes.map((o) => [o.queueId, o.status]));
        set((s) => {
          const pending = new Map(s.pending);
          const marks = new Set(s.marks);
          for (const id of ids) {
            const op: PendingOp | undefined = pending.get(id);
            const status = outcomes.get(id);
            if (status === 'done' || status === 'not-found') marks.delete(id);
            if (!op || op.phase !== 'running') continue;
            // Wait for the watcher only where the file will change and has not yet.
            if (status === 'done' && c.action !== 'deliver' && !op.seen) pending.set(id, { ...op, phase: 'settling' });
            else pending.delete(id);
          }
          const { text, level } = describeResult(result, c.count);
          return { pending, marks, flash: { text, level, at: now() } };
        });
        return result;
      },
      settlePending(ids) {
        set((s) => {
          if (!ids) return { pending: new Map() };
          const pending = new Map(s.pending);
          for (const id of ids) pending.delete(id);
          return { pending };
        });
      },
    };
  });
}

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
 *   markAnchor, sortKey/sortReverse, filterText/filter/filterError, confirmation, clock,
 *   flow (arrivals and departures so far), trends + trendVersion (sampled by recordTrend()).
 *   Files still being written (state `incomplete`: not 0700 yet, or a stray like
 *   maildrop/README) stay in `entries` but are not messages: not counted, listed or acted on.
 *
 * Selectors (selectors.ts, visible-list.ts, qshape.ts; memoised, return the same object
 *   until inputs change): selectWindow(state, height?), selectCounts, selectCursorEntry,
 *   selectCursorIndex, selectMarkedHidden, selectVisibleIds, selectVisibleRows,
 *   selectVisibleIndex, selectRowIndex, selectQueueShape(state, { queues, by }).
 * Filter language (filter-parse.ts, filter-match.ts): compileFilter(text) -> { match(entry,
 *   nowMs) } | { error: { position, message } }, shared with the CLI's --filter.
 *
 * Modules: console-state.ts (types), batch-apply.ts (a batch -> new state), batch-job.ts (the
 *   same in slices, for the initial index's big parts), selection-ops.ts
 *   (cursor, marks), action-ops.ts + confirm.ts (actions), visible-list.ts + sort.ts (the
 *   sorted lists), queue-stats.ts, selector-cache.ts, layered-map.ts (entries: an immutable
 *   map whose new version costs O(batch), not O(n)).
 *
 * Cost at 100k entries: a cursor move is O(window) (no sort, no index map); a batch of k
 * changes is O(k) for the map and stats (an unchanged re-read is no change at all), plus
 * O(k log n) comparisons and one native array copy per sorted list; a new filter or queue
 * view filters the sorted list in O(n) without sorting; only a new sort key sorts.
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
import { DEFAULT_POSTFIX_LIMITS, type HostRules, type PostfixLimits } from '../domain/postfix-limits.js';
import { NO_THRESHOLDS, type Thresholds } from '../domain/thresholds.js';
import { printable } from '../spool/printable.js';
import type { QueueEntry } from '../domain/entry.js';
import { createActionOps } from './action-ops.js';
import { applyBatchState, composeBatches } from './batch-apply.js';
import { prepareBatch } from './batch-job.js';
import type { ConsoleState, ConsoleStore, FlashLevel, WatcherStatus } from './console-state.js';
import { isFilterError, MATCH_ALL } from './filter-match.js';
import { LayeredMap } from './layered-map.js';
import { OldestTracker } from './oldest-tracker.js';
import { emptyQueueStats } from './queue-stats.js';
import { createSelectorCache } from './selector-cache.js';
import { createSelectionOps } from './selection-ops.js';
import { compileInStore, createContentOps } from './content-ops.js';
import { SORT_KEYS, type SortKey } from './sort.js';
import { TrendHistory } from './trends.js';
import { selectCounts } from './selectors.js';
import { QUEUE_NAMES, type QueueName } from '../domain/queue.js';

export type * from './console-state.js';

export interface ConsoleStoreOptions {
  backend: QueueBackend;
  /** Epoch milliseconds; Date.now by default. */
  now?: () => number;
  /** Initial sort (default age, oldest first). */
  sortKey?: SortKey;
  viewportHeight?: number;
  /** Postfix's limits (config.limits); Postfix's defaults when not given. */
  limits?: PostfixLimits;
  /** Warning and critical levels (config/thresholds.ts); none when not given. */
  thresholds?: Thresholds;
  /** config.emptyAddress; MAILER-DAEMON when not given. */
  emptyAddress?: string;
  /** The merged fleet view's per-target rules (state.hostRules); none when not given. */
  hostRules?: ReadonlyMap<string, HostRules>;
}

export function createConsoleStore(options: ConsoleStoreOptions): ConsoleStore {
  const { backend } = options;
  const now = options.now ?? Date.now;

  return createStore<ConsoleState>()((set, get) => {
    // Flash text may carry tool output (a backend's error): sanitised here, once for all.
    const flash = (text: string, level: FlashLevel = 'info') => set({ flash: { text: printable(text), level, at: now() } });

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
      limits: options.limits ?? DEFAULT_POSTFIX_LIMITS,
      emptyAddress: options.emptyAddress ?? 'MAILER-DAEMON',
      hostRules: options.hostRules ?? new Map(),
      thresholds: options.thresholds ?? NO_THRESHOLDS,
      contentHits: new Map(),
      contentSearch: null,
      postfix: null,
      timedAlerts: [],
      readOnlyReason: backend.disabledReason,
      flow: { arrivals: 0, departures: 0 },
      trends: new TrendHistory(),
      trendVersion: 0,
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
      oldest: new OldestTracker(),
      cache: createSelectorCache(),

      applySpoolBatch(batch) {
        const s = get();
        if (s.paused) {
          set({ heldBatch: s.heldBatch ? composeBatches(s.heldBatch, batch) : batch });
          return;
        }
        set((st) => applyBatchState(st, batch));
      },
      prepareSpoolBatch(batch) {
        return prepareBatch(get(), batch);
      },
      applyPreparedBatch(job) {
        const s = get();
        const patch = s.paused ? null : job.commit(s);
        if (patch) set(patch);
        else get().applySpoolBatch(job.batch);
      },
      setWatcherStatus(status) {
        const clean: Partial<WatcherStatus> = { ...status };
        if (status.message) clean.message = printable(status.message);
        if (status.warnings) clean.warnings = status.warnings.map((w) => printable(w));
        set((s) => ({ watcher: { ...s.watcher, ...clean } }));
      },
      recordTrend() {
        const s = get();
        // Nothing to plot until the first index is read (its counts are only listings).
        if (s.watcher.mode === 'starting' || s.listedCounts !== null) return;
        const counts = selectCounts(s);
        const sample = {
          at: now() / 1000,
          counts: Object.fromEntries(QUEUE_NAMES.map((q) => [q, counts.queues[q].count])) as Record<QueueName, number>,
          oldestArrival: counts.total.oldestArrival,
          queueOldest: Object.fromEntries(QUEUE_NAMES.map((q) => [q, counts.queues[q].oldestArrival])) as Record<QueueName, number | null>,
          arrivals: s.flow.arrivals,
          departures: s.flow.departures,
        };
        if (s.trends.record(sample)) set({ trendVersion: s.trendVersion + 1 });
      },
      setThresholds(thresholds) {
        set({ thresholds });
      },
      setReadOnly(reason) {
        set({ readOnlyReason: printable(reason), confirmation: null });
      },
      updateHealth(patch) {
        // New lifetimes reorder an expiry sort: its memoised lists go (the next read sorts).
        const rules = patch.limits !== undefined || patch.hostRules !== undefined;
        if (rules && get().sortKey === 'expires') {
          get().cache.master = null;
          get().cache.visible = null;
        }
        // The filter in force was compiled with the old lifetimes and backoffs (expires<,
        // attempts>): compile its text again with the new ones, so it selects what Postfix
        // would now do (main.cf changed while the console runs).
        const inForce = get().filter;
        if (rules && inForce.text) {
          const again = compileInStore(get(), inForce.text, patch.limits ?? get().limits, patch.hostRules ?? get().hostRules);
          if (!isFilterError(again)) {
            set({ ...patch, filter: again, clock: now() });
            return;
          }
        }
        set(patch);
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
      setFilterText(filterText, fallbackText) {
        // expires< and attempts> read this store's lifetimes, not Postfix's defaults;
        // header: and body: the content answers found so far.
        const compiled = compileInStore(get(), filterText);
        if (isFilterError(compiled)) {
          const fallback = fallbackText === undefined ? null : compileInStore(get(), fallbackText);
          if (!fallback || isFilterError(fallback)) {
            set({ filterText, filterError: compiled.error });
            return;
          }
          // Typing: the filter from before the edit, not the last prefix that happened to parse.
          const same = fallback.text === get().filter.text;
          set({ filterText, filterError: compiled.error, ...(same ? {} : { filter: fallback, clock: now(), ...newView }) });
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

      ...createSelectionOps(set),
      ...createContentOps(set, get),
      ...createActionOps(set, get, backend, now, flash),
    };
  });
}

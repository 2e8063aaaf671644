/**
 * The console store's state and operation types (the contract between the watcher, the store
 * and the UI). See console-store.ts for the API overview. Types only, plus initial values.
 */
import type { BatchJob } from './batch-job.js';
import type { ContentHit, ContentHits } from './content-terms.js';
import type { StoreApi } from 'zustand/vanilla';
import type { ActionName, ActionResult, ActionTarget } from '../domain/backend.js';
import type { QueueEntry } from '../domain/entry.js';
import type { QueueName } from '../domain/queue.js';
import type { SpoolBatch } from '../domain/spool-batch.js';
import type { CompiledFilter } from './filter-match.js';
import type { FilterParseError } from './filter-parse.js';
import type { HostRules, PostfixLimits } from '../domain/postfix-limits.js';
import type { Thresholds } from '../domain/thresholds.js';
import type { HealthAlert, PostfixRunState } from './health.js';
import type { OldestTracker } from './oldest-tracker.js';
import type { QueueStatsMap } from './queue-stats.js';
import type { SelectorCache } from './selector-cache.js';
import type { SortKey } from './sort.js';
import type { TrendHistory } from './trends.js';

/** `all` or one of the six queues. */
export type QueueFilter = QueueName | 'all';

export type FlashLevel = 'info' | 'ok' | 'warn' | 'error';
export interface Flash {
  /** One line; control characters are made visible (printable()) when it is set. */
  text: string;
  level: FlashLevel;
  /** Epoch ms when it was set (from the injected clock). */
  at: number;
}

/**
 * What feeds the store: `starting` before the first batch, `live` (watching), `polling` (a
 * fallback: no inotify, or `postqueue -j` for a non-root user), `error` (message says why),
 * `gone` (the spool was removed or emptied while watched; message names it).
 */
export type WatcherMode = 'starting' | 'live' | 'polling' | 'error' | 'gone';
export interface WatcherStatus {
  mode: WatcherMode;
  /** One line for the header or flash: why polling, or what failed. Null when all is well. */
  message: string | null;
  /** Lasting conditions worth a marker (e.g. "inotify watch limit reached: rescanning"). */
  warnings: readonly string[];
}

/**
 * An id with an action in flight: `running` until the backend answers, then `settling`
 * until a batch shows the file changed. `seen` records a batch touching it while running.
 */
export interface PendingOp {
  action: ActionName;
  phase: 'running' | 'settling';
  seen: boolean;
}

/** What an action applies to: `auto` = the marks if any, else the cursor row. */
export type ActionScope = 'auto' | 'marked' | 'cursor' | 'matching';

/** The confirmation the UI shows before an action runs. */
export interface Confirmation {
  action: ActionName;
  /** The scope actually used (auto resolved). */
  scope: Exclude<ActionScope, 'auto'>;
  targets: readonly ActionTarget[];
  count: number;
  /** "Hold 12 messages?" / "Delete 1,234 messages from deferred?" */
  title: string;
  /** Of the targets, how many the current filter or queue view hides (marked elsewhere). */
  hiddenByFilter: number;
  /** Marked ids that are no longer in the spool (left out of the targets). */
  gone: number;
  /** Selected messages the action cannot take (not held for release, corrupt/...): left out. */
  leftOut?: number;
  /** Why (for the first of them), or null when none was left out. */
  leftOutWhy?: string | null;
  /** The filter text in force, '' when none. */
  filterText: string;
  /** Up to three target ids, for the dialog. */
  sampleIds: readonly string[];
  /** backend.describe(): the command(s) that will run. */
  command: string;
  /** True when the targets are every message of at least one queue (2 or more). */
  wholeQueue: boolean;
  /**
   * Release only: how many targets are past their lifetime (maximal_queue_lifetime, or
   * bounce_queue_lifetime for the null sender), and so bounce as soon as they are released.
   * The confirmation then offers requeue (R: postsuper -r, a new arrival time) instead.
   */
  pastLifetime?: number;
  /** The word to type before `y` counts (DELETE), or null. */
  requireWord: string | null;
}

export interface ConsoleData {
  /**
   * Every queue file known, by queue id (files still being written included: see isMessage).
   * Replaced, never mutated: each batch makes a new version (a LayeredMap).
   */
  entries: ReadonlyMap<string, QueueEntry>;
  /** Count, total size and oldest arrival per queue, all six (zeros included). */
  queueStats: QueueStatsMap;
  /** While the initial index reads: the directory listings' counts. Null once complete. */
  listedCounts: Readonly<Partial<Record<QueueName, number>>> | null;
  /** Batches applied so far. */
  batchCount: number;
  /** Epoch ms of the oldest event of the last batch applied (latency figures), or null. */
  lastEventAt: number | null;
  watcher: WatcherStatus;
  /** Frozen: batches are held back (composed into one) until resumed. */
  paused: boolean;
  /** Batches received while paused, as one. */
  heldBatch: SpoolBatch | null;
  flash: Flash | null;
  /** Ids with an action in flight. Replaced, never mutated. */
  pending: ReadonlyMap<string, PendingOp>;
  /** Postfix's queue limits and lifetimes (postconf's, or the defaults; limits.source). */
  limits: PostfixLimits;
  /** Warning and critical levels of counts and ages (config/thresholds.ts); {} for none. */
  thresholds: Thresholds;
  /** empty_address_recipient: the sender name null-sender mail shows (bounce_queue_lifetime applies). */
  emptyAddress: string;
  /**
   * The merged fleet view: each target's limits and null sender from its hello, by entry.host
   * (expires and attempts read them per message); empty for one spool. Replaced, never mutated.
   */
  hostRules: ReadonlyMap<string, HostRules>;
  /** The header:/body: answers found so far (content-terms.ts), by queue id. */
  contentHits: ContentHits;
  /** The content search's progress for the filter in force, or null when none runs. */
  contentSearch: ContentSearch | null;
  /** Whether master runs, from the health timer; null when not checked (no configuration). */
  postfix: PostfixRunState | null;
  /** The clock-dependent alerts (stuck incoming, pickup), replaced only when they change. */
  timedAlerts: readonly HealthAlert[];
  /** backend.disabledReason: why actions are refused (read-only), or null. */
  readOnlyReason: string | null;
  /** Messages that arrived in / departed from the queue proper since the start (trends.ts). */
  flow: { arrivals: number; departures: number };
  /** The sampled history for the sparklines (bounded rings). Internal; never changes identity. */
  trends: TrendHistory;
  /** Bumped when a sample changed what the sparklines show (selectTrends memoises on it). */
  trendVersion: number;

  queueFilter: QueueFilter;
  /** The cursor's queue id (survives re-sorts and moves); null = use cursorHint. */
  cursorId: string | null;
  /** The cursor's last index: where it lands when its entry leaves the view. */
  cursorHint: number;
  /** First list row shown, kept so the window scrolls like less (no jumping). */
  scrollTop: number;
  /** List rows the UI shows (setViewportHeight); page moves use it. */
  viewportHeight: number;
  marks: ReadonlySet<string>;
  /** The last id marked or unmarked: one end of markRange(). */
  markAnchor: string | null;
  sortKey: SortKey;
  sortReverse: boolean;
  /** The filter text as typed. */
  filterText: string;
  /** The filter in force: the last text that parsed (an error keeps the previous one). */
  filter: CompiledFilter;
  filterError: FilterParseError | null;
  confirmation: Confirmation | null;
  /**
   * Epoch ms of the store's notion of now, for age filters and the qshape view: set at
   * creation, on filter changes and by tick(). Not on batches: an age filter would then
   * re-filter 100k entries per batch instead of merging the few that changed.
   */
  clock: number;
  /** The last batch's change, for an incremental re-sort. Internal. */
  lastChange: { before: ReadonlyMap<string, QueueEntry>; after: ReadonlyMap<string, QueueEntry>; touched: readonly string[]; added: readonly QueueEntry[] } | null;
  /** Per-queue oldest-arrival heaps for queueStats. Internal; never changes identity. */
  oldest: OldestTracker;
  /** Memo storage of the selectors, one per store. Internal; never changes identity. */
  cache: SelectorCache;
}

export interface ConsoleActions {
  /** One batch from the watcher: one set(). Held back while paused. */
  applySpoolBatch(batch: SpoolBatch): void;
  /** The same batch as a job done in slices (batch-job.ts: the initial index's big parts); nothing changes yet. */
  prepareSpoolBatch(batch: SpoolBatch): BatchJob;
  /** A finished job in one set(); the batch applied as applySpoolBatch does when the state moved on or is paused. */
  applyPreparedBatch(job: BatchJob): void;
  setWatcherStatus(status: Partial<WatcherStatus>): void;
  /** The health timer's findings (new limits after a postconf change, master's state, timed alerts). */
  updateHealth(patch: Partial<Pick<ConsoleData, 'limits' | 'hostRules' | 'postfix' | 'timedAlerts'>>): void;
  /** Take a trend sample now (the trend timer calls it every TREND_STEP_SECONDS). */
  recordTrend(): void;
  /** New warning and critical levels (the thresholds file changed): the levels are recomputed. */
  setThresholds(thresholds: Thresholds): void;
  /** Refuse actions from now on (e.g. the view fell back to postqueue -j), with the reason. */
  setReadOnly(reason: string): void;
  setPaused(paused: boolean): void;
  togglePaused(): void;
  setFlash(text: string, level?: FlashLevel): void;
  clearFlash(): void;
  /** Refresh `clock` (ages in filters); the UI calls it at most on a coarse timer. */
  tick(): void;

  setQueueFilter(queue: QueueFilter): void;
  /**
   * Parse and apply; a parse error is kept in filterError and the previous filter stays, or,
   * with `fallbackText` (the filter from before editing began), that one applies instead.
   */
  setFilterText(text: string, fallbackText?: string): void;
  /**
   * Answers from the content searcher for the filter whose content key is `key` (ignored
   * when that filter is no longer in force), with its progress; `reset` drops older answers.
   */
  applyContentHits(key: string, hits: ReadonlyMap<string, ContentHit>, progress: ContentSearch | null, reset?: boolean): void;
  setSort(key: SortKey, reverse?: boolean): void;
  /** Next key in SORT_KEYS order, natural direction. */
  cycleSort(): void;
  toggleSortReverse(): void;

  setViewportHeight(rows: number): void;
  moveCursor(delta: number): void;
  setCursorIndex(index: number): void;
  setCursorId(queueId: string): void;
  cursorTop(): void;
  cursorBottom(): void;
  pageDown(): void;
  pageUp(): void;

  /** Toggle the cursor row's mark (it becomes the range anchor); advance moves down one. */
  toggleMark(advance?: boolean): void;
  /** Mark every row from the anchor (else the cursor) to the cursor, in view order. */
  markRange(): void;
  /** Mark every row the current queue view and filter show. */
  markAllMatching(): void;
  clearMarks(): void;

  /** Build the confirmation (or refuse with a flash: read-only, unsupported, nothing). */
  requestAction(action: ActionName, scope?: ActionScope): void;
  /** Run the confirmed action. `typed` must equal requireWord when there is one. */
  confirmAction(typed?: string): Promise<ActionResult | null>;
  cancelAction(): void;
  /** Forget pending marks (all, or these ids): for a backend that changes nothing visible. */
  settlePending(ids?: readonly string[]): void;
}

/** A content search's progress: messages searched of those to search. */
export interface ContentSearch {
  done: number;
  total: number;
}

export type ConsoleState = ConsoleData & ConsoleActions;
export type ConsoleStore = StoreApi<ConsoleState>;

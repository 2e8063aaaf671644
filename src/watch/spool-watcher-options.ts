/**
 * What createSpoolWatcher (spool-watcher.ts) takes and gives: its options (timings, fallbacks,
 * read workers, the warm-start snapshot, the fs.watch edge) and the watcher's face.
 */
import type { WatchFn } from './dir-watchers.js';
import type { ReadWorkerSource } from './read-worker-source.js';
import type { WatchStats, WatchStatus } from './watch-status.js';

export interface SpoolWatcherOptions {
  /** Collect event names this long before one batch (ms). */
  coalesceMs?: number;
  /** Longest synchronous slice (ms). */
  sliceMs?: number;
  /** While indexing or refreshing thousands of files, emit at least this often (ms). */
  batchEveryMs?: number;
  /** Reconcile bounds in live mode (ms); the interval adapts to the sweep's cost. */
  reconcileMinMs?: number;
  reconcileMaxMs?: number;
  /** Rescan bounds when inotify is unavailable (ms). */
  pollMinMs?: number;
  pollMaxMs?: number;
  /** How often the queue directory itself is checked (removed, renamed away, replaced; ms, default 1000). */
  presenceEveryMs?: number;
  /** A window with this many names is a burst: reconcile once it has been quiet burstQuietMs. */
  burstNames?: number;
  burstQuietMs?: number;
  /** Poll `postqueue -j` when the spool is unreadable; default: a Postfix host and not root. */
  postqueueFallback?: boolean;
  onStatus?(status: WatchStatus): void;
  /**
   * Worker threads for the initial index of a large spool (read-pool.ts): false for none; the
   * least number of files worth them (default POOL_MIN_FILES); the worker code, how many
   * workers (default: one per core beyond the main thread's) and whether the main thread
   * reads its share too (default true; tests turn it off to see every read cross threads).
   */
  readWorkers?: false | { minFiles?: number; source?: ReadWorkerSource; workers?: number; mainThreadReads?: boolean };
  /**
   * The warm-start snapshot (index-snapshot.ts): read at start when it is ours and of this
   * spool, written at stop when the index is complete. Absent or null: none.
   */
  snapshot?: { path: string; version: string } | null;
  /** The snapshot's background saves (snapshot-saver.ts): after the index, and while it changes (ms). */
  snapshotSaveDelayMs?: number;
  snapshotResaveMs?: number;
  /** The fs.watch edge, replaceable in tests (e.g. to simulate ENOSPC). */
  watch?: WatchFn;
}

export interface SpoolWatcher {
  start(): Promise<void>;
  stop(): void;
  readonly status: WatchStatus;
  readonly stats: WatchStats;
}

/**
 * What the watcher tells the console about itself: its mode and one message an admin can act
 * on, plus figures for the benchmark and a debug line. Types only.
 */

/** gone: the queue directory was removed, replaced or emptied of its queues (spool-presence.ts). */
export type WatchMode = 'starting' | 'live' | 'polling' | 'failed' | 'gone' | 'stopped';

export interface WatchStatus {
  /** live: fs.watch on directories + slow reconcile; polling: adaptive rescans (no inotify, or postqueue -j). */
  mode: WatchMode;
  /** One clear sentence when something is wrong or degraded; null when all is well. */
  message: string | null;
  /** Set when the view comes from `postqueue -j`, not the spool: nothing may act on it. */
  readOnly?: string;
}

export interface WatchStats {
  /** inotify watches held (one per directory). */
  watches: number;
  events: number;
  batches: number;
  upserts: number;
  removals: number;
  reconciles: number;
  /** Reconciles that found changes no event had announced (lost events). */
  reconcileDifferences: number;
  lastReconcileMs: number;
  nextReconcileMs: number;
  /** start() to the listedCounts batch, and to the end of the initial index (ms). */
  firstCountsMs: number | null;
  indexMs: number | null;
  /** Worker threads that read the initial index (0: it was read on the main thread). */
  readWorkers: number;
  /** Longest synchronous slice so far (ms): how long keys could wait. */
  longestSliceMs: number;
  /** Queue files tracked. */
  files: number;
  /**
   * The warm-start snapshot: files taken from it unread, files it had that had changed (read
   * again), and why it was not used (null when it was, or when snapshots are off).
   */
  snapshotTrusted: number;
  snapshotStale: number;
  snapshotIgnored: string | null;
  /** Why the snapshot was not written (null: written, or not asked for). */
  snapshotSaveError: string | null;
  /** Snapshots written in the background, and whether stop() had to write one (snapshot-saver.ts). */
  snapshotSaves: number;
  snapshotSavedAtStop: boolean;
}

/** The figures the watcher counts itself; the others are asked of their owners when read. */
export type WatchCounters = Omit<WatchStats, 'watches' | 'longestSliceMs' | 'files' | 'nextReconcileMs' | 'snapshotSaves' | 'snapshotSavedAtStop'>;

export function newWatchCounters(): WatchCounters {
  return {
    events: 0, batches: 0, upserts: 0, removals: 0, reconciles: 0, reconcileDifferences: 0,
    lastReconcileMs: 0, firstCountsMs: null, indexMs: null, readWorkers: 0,
    snapshotTrusted: 0, snapshotStale: 0, snapshotIgnored: null, snapshotSaveError: null,
  };
}

/**
 * The live spool: initial index, then fs.watch on every spool DIRECTORY, coalesced into one
 * SpoolBatch per window, plus a cheap reconcile (listing + lstat, re-reading only what changed)
 * after bursts and at a slow adaptive interval. Every event means only "this name may have
 * changed": the file is lstat'ed and re-read in every queue it was or now is in.
 *
 * Contract: `start()` resolves when the initial index is complete and rejects with a
 * SpoolAccessError when the spool is missing or unreadable (status `failed`, one message) -
 * unless the postqueue fallback applies (non-root on a Postfix host), which polls
 * `postqueue -j` read-only (status `polling`). The inotify limit (ENOSPC) switches to adaptive
 * rescans with a warning (status `polling`). Batches go to `sink` in order; the sink's state
 * equals a fresh scan once the spool is quiet and the next reconcile has run.
 */
import type { SpoolBatch } from '../domain/spool-batch.js';
import { SpoolAccessError } from '../domain/errors.js';
import type { SpoolConfig } from '../config/spool-config.js';
import { DirWatchers } from './dir-watchers.js';
import { routeEvent } from './route-event.js';
import { buildInitialIndex, POOL_MIN_FILES } from './initial-index.js';
import { createReadPool, type ReadPool } from './read-pool.js';
import { createPostqueuePoller, type PostqueuePoller } from './postqueue-poller.js';
import { ReconcileClock } from './reconcile-clock.js';
import { mergeDirty, refreshDirty, type DirtySet } from './refresh.js';
import { sweepSpool } from './reconcile.js';
import { checkSpool } from './scan.js';
import { SpoolPresence } from './spool-presence.js';
import { SpoolIndex } from './spool-index.js';
import { loadTrust, type SnapshotTrust } from './snapshot-trust.js';
import { expectedFiles } from './spool-size-hint.js';
import { createSnapshotSaver } from './snapshot-saver.js';
import { createSlicer } from './time-slice.js';
import type { SpoolWatcher, SpoolWatcherOptions } from './spool-watcher-options.js';
import { newWatchCounters, type WatchStats, type WatchStatus } from './watch-status.js';

export type { SpoolWatcher, SpoolWatcherOptions } from './spool-watcher-options.js';

export function createSpoolWatcher(config: SpoolConfig, sink: (batch: SpoolBatch) => void, options: SpoolWatcherOptions = {}): SpoolWatcher {
  const coalesceMs = options.coalesceMs ?? 25;
  const batchEveryMs = options.batchEveryMs ?? 100;
  const burstNames = options.burstNames ?? 200;
  const burstQuietMs = options.burstQuietMs ?? 1000;
  const index = new SpoolIndex();
  const slicer = createSlicer(options.sliceMs ?? 8);
  const clock = new ReconcileClock(options);
  let status: WatchStatus = { mode: 'starting', message: null };
  let dirty: DirtySet = new Map();
  let firstEventAt: number | null = null;
  let busy = false;
  let stopped = false;
  let indexed = false;
  let reconcileWanted = false;
  let flushTimer: NodeJS.Timeout | null = null;
  let burstTimer: NodeJS.Timeout | null = null;
  let poller: PostqueuePoller | null = null;
  let pool: ReadPool | null = null;
  let startedAt = 0;
  const stats = newWatchCounters();
  let trust: SnapshotTrust | null = null;
  // Saved in the background after the index (and when it changed): stop() rarely has to write it.
  const saver = options.snapshot ? createSnapshotSaver(config, options.snapshot, index, {
    delayMs: options.snapshotSaveDelayMs,
    everyMs: options.snapshotResaveMs,
    allowed: () => indexed && !stopped && !poller && status.mode !== 'failed',
    onSaved: (error) => (stats.snapshotSaveError = error),
  }) : null;

  const setStatus = (next: WatchStatus) => {
    if (next.mode === status.mode && next.message === status.message) return;
    status = next;
    options.onStatus?.(status);
  };
  const emit = (batch: SpoolBatch) => {
    if (stopped) return;
    stats.batches++;
    stats.upserts += batch.upserts.length;
    stats.removals += batch.removals.length;
    sink(batch);
  };
  const onAccessError = (error: SpoolAccessError) => setStatus({ mode: status.mode, message: error.message });

  const watchers = new DirWatchers(
    config.queueDirectory,
    {
      onEvent(relDir, name) {
        if (stopped) return;
        stats.events++;
        const routed = routeEvent(config.queueDirectory, relDir, name, dirty, watchers, index);
        if (routed === 'rescan') requestReconcile(coalesceMs);
        else if (routed === 'dirty') {
          firstEventAt ??= Date.now();
          if (!flushTimer && indexed) flushTimer = setTimeout(pump, coalesceMs);
        }
      },
      onLimit(error) {
        watchers.closeAll();
        clock.polling = true;
        setStatus({
          mode: 'polling',
          message: `inotify watch limit reached (${error.code}; raise fs.inotify.max_user_watches): rescanning the spool every few seconds instead of watching it`,
        });
        requestReconcile(clock.minMs);
      },
      onLost: () => requestReconcile(coalesceMs),
    },
    options.watch,
  );

  /** Say so when the spool itself is gone or replaced (the sweep alone would show live and zeros). */
  const presence = new SpoolPresence(config, {
    status: () => status,
    setStatus,
    rewatch() {
      if (clock.polling) return;
      watchers.closeAll();
      watchers.add('');
    },
  });
  const checkPresence = () => presence.check();

  function requestReconcile(delayMs: number) {
    clock.arm(delayMs, () => {
      reconcileWanted = true;
      void pump();
    });
  }

  async function flushDirty() {
    const work = dirty;
    const eventAt = firstEventAt;
    dirty = new Map();
    firstEventAt = null;
    // A removed queue directory arrives as events: say at once if the spool went with it.
    checkPresence();
    const result = await refreshDirty(config, index, work, slicer, onAccessError, {
      emitEveryMs: batchEveryMs,
      onPartial: (part) => emit({ ...part, full: false, firstEventAt: eventAt }),
    });
    if (result.upserts.length > 0 || result.removals.length > 0) {
      emit({ ...result, full: false, firstEventAt: eventAt });
    }
    if (work.size >= burstNames && !clock.polling) {
      // After a burst, check nothing was lost once things are quiet again.
      if (burstTimer) clearTimeout(burstTimer);
      burstTimer = setTimeout(() => requestReconcile(0), burstQuietMs);
    }
  }


  async function reconcile() {
    const t0 = performance.now();
    checkPresence();
    const sweep = await sweepSpool(config, index, slicer, (rel) => {
      if (!clock.polling) watchers.add(rel);
    });
    // Ids an event already announced are not differences; refresh them together.
    const announced = new Set(dirty.keys());
    mergeDirty(sweep.dirty, dirty);
    const eventAt = firstEventAt;
    dirty = new Map();
    firstEventAt = null;
    const result = await refreshDirty(config, index, sweep.dirty, slicer, onAccessError);
    const changedIds = [...result.upserts.map((e) => e.queueId), ...result.removals];
    const lost = changedIds.some((id) => !announced.has(id));
    stats.reconciles++;
    stats.lastReconcileMs = performance.now() - t0;
    if (lost && !clock.polling) {
      stats.reconcileDifferences++;
      emit({ upserts: [...index.emitted.values()], removals: [], full: true, firstEventAt: eventAt });
    } else if (changedIds.length > 0) {
      emit({ ...result, full: false, firstEventAt: eventAt });
    }
    clock.completed(stats.lastReconcileMs, changedIds.length > 0);
    requestReconcile(clock.nextMs);
  }

  async function pump() {
    if (flushTimer) clearTimeout(flushTimer);
    flushTimer = null;
    if (busy || stopped || !indexed) return;
    busy = true;
    try {
      while (!stopped) {
        slicer.begin();
        if (dirty.size > 0) await flushDirty();
        else if (reconcileWanted) {
          reconcileWanted = false;
          await reconcile();
        } else break;
      }
    } catch (error) {
      if (!(error instanceof SpoolAccessError)) throw error;
      setStatus({ mode: 'failed', message: error.message });
    } finally {
      busy = false;
    }
  }

  /** The spool cannot be read: poll postqueue -j when allowed (read-only), else fail. */
  async function unreadable(error: SpoolAccessError): Promise<void> {
    watchers.closeAll();
    index.clear();
    const fallback = options.postqueueFallback ?? (config.fromPostconf && process.getuid?.() !== 0);
    if (fallback && (error.code === 'EACCES' || error.code === 'EPERM')) {
      const why = `${error.message}. Showing \`postqueue -j\` instead, read-only, refreshed every few seconds.`;
      // A view from postqueue -j carries no inode or arrival check: no action may start from it.
      const readOnly = 'postqueue -j: the spool is not readable here, so actions are off (run as root to change the queue)';
      const onError = (failure: SpoolAccessError) => setStatus({ mode: 'polling', message: `${why} But ${failure.message}`, readOnly });
      poller = createPostqueuePoller(config, emit, { minMs: options.pollMinMs, maxMs: options.pollMaxMs, onError });
      setStatus({ mode: 'polling', message: why, readOnly });
      await poller.start();
      return;
    }
    setStatus({ mode: 'failed', message: error.message });
    throw error;
  }

  async function start() {
    startedAt = performance.now();
    try {
      checkSpool(config);
      presence.begin();
      watchers.add('');
      slicer.begin();
      // Read while the spool is listed; trusted per file only on lstats taken after the listing.
      const trustLoad = options.snapshot ? loadTrust(config, options.snapshot, index) : null;
      await buildInitialIndex(config, index, slicer, emit, {
        batchEveryMs,
        onDir: (rel) => void (stopped || watchers.add(rel)),
        poolMinFiles: options.readWorkers === false ? Number.POSITIVE_INFINITY : options.readWorkers?.minFiles,
        mainThreadReads: options.readWorkers ? options.readWorkers.mainThreadReads : undefined,
        createPool: () => {
          if (stopped) return null;
          const given = options.readWorkers || {};
          pool = createReadPool(config, { source: given.source, workers: given.workers });
          if (pool) stats.readWorkers = pool.size;
          return pool;
        },
        stopped: () => stopped,
        loadTrust: trustLoad ? async () => {
          const loaded = await trustLoad;
          stats.snapshotIgnored = loaded.ignored;
          return (trust = loaded.trust);
        } : undefined,
        onListed: (_counts, at) => (stats.firstCountsMs = at - startedAt),
        expectedFiles: expectedFiles(config, options.snapshot?.path ?? null, options.readWorkers === false ? Number.POSITIVE_INFINITY : (options.readWorkers?.minFiles ?? POOL_MIN_FILES)),
      });
    } catch (error) {
      // The root may be readable (0755) while the queues are not (0700 postfix): same fallback.
      if (error instanceof SpoolAccessError) return unreadable(error);
      throw error;
    }
    if (stopped) return; // stopped during the index (q while it filled, a serve whose link went): no timers, no watches
    stats.indexMs = performance.now() - startedAt;
    if (trust) {
      stats.snapshotTrusted = trust.trusted;
      stats.snapshotStale = trust.stale;
      trust = null;
    }
    indexed = true;
    if (!clock.polling) setStatus({ mode: 'live', message: status.message });
    presence.watch(options.presenceEveryMs ?? 1000, () => requestReconcile(0));
    requestReconcile(clock.polling ? clock.minMs : clock.nextMs);
    saver?.indexed();
    await pump();
  }

  function stop() {
    if (stopped) return;
    // The index as the next start's snapshot: only a complete one read from the spool itself.
    if (indexed && !poller && status.mode !== 'failed') saver?.atStop();
    else saver?.abandon();
    stopped = true;
    if (flushTimer) clearTimeout(flushTimer);
    if (burstTimer) clearTimeout(burstTimer);
    clock.disarm();
    presence.stop();
    watchers.closeAll();
    poller?.stop();
    pool?.close();
    setStatus({ mode: 'stopped', message: null });
  }

  return {
    start,
    stop,
    get status() {
      return status;
    },
    get stats(): WatchStats {
      return {
        ...stats,
        watches: watchers.count,
        longestSliceMs: slicer.longestSliceMs,
        files: index.files.size,
        nextReconcileMs: clock.nextMs,
        snapshotSaves: saver?.saves ?? 0, snapshotSavedAtStop: saver?.savedAtStop ?? false,
      };
    },
  };
}

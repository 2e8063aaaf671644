/**
 * The console's feeds from this host's spool: the spool watcher into the store (through the
 * batch gate), and a plain rescan for tests and tools. watcherFeed() also says when the
 * watcher's listing is in: startConsole() (console-command.ts) waits for it, at most
 * LISTING_WAIT_MS, before it loads the UI and draws the first frame.
 */
import type { QueueEntry } from '../domain/entry.js';
import { QUEUE_NAMES } from '../domain/queue.js';
import type { SpoolBatch } from '../domain/spool-batch.js';
import type { SpoolConfig } from '../config/spool-config.js';
import type { ConsoleStore, WatcherMode } from '../store/console-state.js';
import type { BatchGate } from '../ui/batch-gate.js';
import { snapshotPath } from '../watch/index-snapshot.js';
import { scanQueues } from '../watch/scan.js';
import { createSpoolWatcher } from '../watch/spool-watcher.js';
import type { WatchMode, WatchStatus } from '../watch/watch-status.js';
import { POSTQ_VERSION } from './version.js';

export type StopFeed = () => void | Promise<void>;

const WATCH_MODES: Record<WatchMode, WatcherMode> = { starting: 'starting', live: 'live', polling: 'polling', failed: 'error', gone: 'gone', stopped: 'error' };

/**
 * The watcher's status into the store: mode and message for the header and the flash line; a
 * view from postqueue -j (status.readOnly) turns actions off for good, with the reason.
 */
export function applyWatchStatus(store: ConsoleStore, status: WatchStatus): void {
  if (status.readOnly && store.getState().readOnlyReason === null) store.getState().setReadOnly(status.readOnly);
  store.getState().setWatcherStatus({ mode: WATCH_MODES[status.mode], message: status.message });
}

/**
 * A feed that says when its first batch is in (or it has failed, or gone to polling): the
 * console's first frame waits for it, at most LISTING_WAIT_MS.
 */
export interface ListingFeed {
  stop: StopFeed;
  listed: Promise<void>;
}

/**
 * How long the first frame waits for the watcher's listing. At 100k messages the listing takes
 * ~0.1 s of the main thread while the read worker loads: the UI's modules and first frame drawn
 * before it (~0.15 s) left the worker waiting for names that long; on a slow disk or a huge
 * spool the console still shows itself, and the rest of the listing comes between frames.
 */
export const LISTING_WAIT_MS = 1000;

/**
 * The spool watcher (src/watch/spool-watcher.ts) feeding the store; a start failure ends the
 * console. `listed`: the listing's counts are in the gate, or the watcher failed or polls.
 */
export function watcherFeed(store: ConsoleStore, config: SpoolConfig, fail: (error: Error) => void, gate?: BatchGate, warmStart = true): ListingFeed {
  let listedNow: () => void = () => {};
  const listed = new Promise<void>((resolve) => (listedNow = resolve));
  const sink = gate ? (batch: SpoolBatch) => (listedNow(), gate.push(batch)) : (batch: SpoolBatch) => (listedNow(), store.getState().applySpoolBatch(batch));
  const path = warmStart ? snapshotPath(config.queueDirectory) : null;
  const watcher = createSpoolWatcher(config, sink, {
    onStatus: (status) => (status.mode !== 'starting' && listedNow(), applyWatchStatus(store, status)),
    // Warm start: the index saved at the last exit, trusted file by file (index-snapshot.ts).
    snapshot: path ? { path, version: POSTQ_VERSION } : null,
  });
  watcher.start().catch((error: unknown) => fail(error as Error)).finally(listedNow);
  const stop = () => {
    watcher.stop();
    gate?.stop();
  };
  return { stop, listed };
}

/** A full scan now and every two seconds: a simple feed for tests and tools. */
export function scanFeed(store: ConsoleStore, config: SpoolConfig): StopFeed {
  const scan = () => {
    const upserts: QueueEntry[] = scanQueues(config, QUEUE_NAMES);
    store.getState().applySpoolBatch({ upserts, removals: [], full: true, firstEventAt: null });
  };
  scan();
  store.getState().setWatcherStatus({ mode: 'polling', message: 'rescanning every 2 s' });
  const timer = setInterval(scan, 2000);
  return () => clearInterval(timer);
}


/** `listed`, or LISTING_WAIT_MS, whichever comes first. */
export async function untilListed(listed: Promise<void>): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([listed, new Promise<void>((resolve) => (timer = setTimeout(resolve, LISTING_WAIT_MS)))]);
  clearTimeout(timer);
}

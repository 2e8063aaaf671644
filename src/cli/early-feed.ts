/**
 * The console's spool watcher, started before the console's own code (Ink, React, the store)
 * is loaded and evaluated: its read worker then loads and reads on the other core, and the
 * spool is listed, while the main thread compiles and runs the UI's modules (about 115 ms of
 * CPU at start, bench/console-fill-probe.ts), instead of after them. What it brings before the
 * console is up is held, in order, and handed to the console's feed when it attaches; then
 * batches go straight through.
 *
 * Contract: `feed` has the shape of StartConsoleOptions.feed and may be used once; batches,
 * statuses and a start failure (a SpoolAccessError) reach the console exactly as
 * watcherFeed()'s would. `stop()` ends the watcher whether or not a console attached (a usage
 * error or a refused terminal after the start): safe to call more than once. Imports no UI.
 */
import type { SpoolConfig } from '../config/spool-config.js';
import type { SpoolBatch } from '../domain/spool-batch.js';
import { snapshotPath } from '../watch/index-snapshot.js';
import { createSpoolWatcher } from '../watch/spool-watcher.js';
import type { WatchStatus } from '../watch/watch-status.js';
import { POSTQ_VERSION } from './version.js';
import { holdYoungGeneration } from './young-generation.js';

/** What the console's feed receives (console-command.ts): kept structural so this imports no UI. */
interface FeedTargets<Store, Gate extends { push(batch: SpoolBatch): void; stop(): void }> {
  store: Store;
  gate: Gate;
  onStatus: (store: Store, status: WatchStatus) => void;
  fail: (error: Error) => void;
}

export interface EarlyFeed {
  /** Settles when the initial index is done (rejects as the watcher's start does). */
  readonly indexed: Promise<void>;
  /** Hands what came so far, then every batch, to the console; returns its stop function. */
  attach<Store, Gate extends { push(batch: SpoolBatch): void; stop(): void }>(targets: FeedTargets<Store, Gate>): () => void;
  stop(): void;
}

export interface EarlyFeedOptions {
  /** Start from (and save) the index snapshot (default true), as watcherFeed() does. */
  warmStart?: boolean;
  /** Every batch as it comes from the watcher, before it is held or passed on (the bench's probe). */
  onBatch?: (batch: SpoolBatch) => void;
}

export function startEarlyFeed(config: SpoolConfig, options: EarlyFeedOptions = {}): EarlyFeed {
  // Before the read workers are made: they take their young generation's size from it
  // (startConsole() calls it too, for feeds of its own; the second call changes nothing).
  holdYoungGeneration(4, 4);
  let held: SpoolBatch[] | null = [];
  const heldStatuses: WatchStatus[] = [];
  let failure: Error | null = null;
  let pass: ((batch: SpoolBatch) => void) | null = null;
  let status: ((status: WatchStatus) => void) | null = null;
  let fail: ((error: Error) => void) | null = null;
  const path = options.warmStart === false ? null : snapshotPath(config.queueDirectory);
  const watcher = createSpoolWatcher(config, (batch) => {
    options.onBatch?.(batch);
    if (pass) pass(batch);
    else held!.push(batch);
  }, {
    onStatus: (s) => (status ? status(s) : heldStatuses.push(s)),
    snapshot: path ? { path, version: POSTQ_VERSION } : null,
  });
  const indexed = watcher.start();
  indexed.catch((error: unknown) => (fail ? fail(error as Error) : (failure ??= error as Error)));
  let attached = false;
  return {
    indexed,
    attach({ store, gate, onStatus, fail: failConsole }) {
      if (attached) throw new Error('the early feed attaches to one console');
      attached = true;
      for (const s of heldStatuses) onStatus(store, s);
      for (const batch of held!) gate.push(batch);
      held = null;
      pass = (batch) => gate.push(batch);
      status = (s) => onStatus(store, s);
      fail = failConsole;
      if (failure) failConsole(failure);
      return () => {
        watcher.stop();
        gate.stop();
      };
    },
    stop: () => watcher.stop(),
  };
}

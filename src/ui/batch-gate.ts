/**
 * Keys before data: watcher batches reach the store through this gate, which composes them
 * and applies at most one every `minIntervalMs`, and not while the user is typing (until
 * `quietAfterKeyMs` after the last key), but never later than `maxDelayMs` after the first
 * held batch. Applying a batch at 100k messages costs a Map copy and a re-sort merge; doing
 * that between key presses is what keeps a key press to frame fast during a burst.
 * Pure timing logic (no React, no fs); the clock and timers are injectable for tests.
 */
import type { SpoolBatch } from '../domain/spool-batch.js';
import { composeBatches } from '../store/batch-apply.js';

export interface BatchGateOptions {
  minIntervalMs?: number;
  quietAfterKeyMs?: number;
  maxDelayMs?: number;
  now?: () => number;
}

export interface BatchGate {
  /** Hand a watcher batch in. */
  push(batch: SpoolBatch): void;
  /** A key was pressed: hold batches back briefly. */
  noteKey(): void;
  /** Apply whatever is held now (e.g. on stop). */
  flush(): void;
  stop(): void;
}

export function createBatchGate(apply: (batch: SpoolBatch) => void, options: BatchGateOptions = {}): BatchGate {
  const minInterval = options.minIntervalMs ?? 150;
  const quiet = options.quietAfterKeyMs ?? 120;
  const maxDelay = options.maxDelayMs ?? 750;
  const now = options.now ?? (() => performance.now());
  let held: SpoolBatch | null = null;
  let heldSince = 0;
  let lastApply = -Infinity;
  let lastKey = -Infinity;
  let timer: NodeJS.Timeout | null = null;

  const flush = () => {
    if (timer) clearTimeout(timer);
    timer = null;
    if (!held) return;
    const batch = held;
    held = null;
    lastApply = now();
    apply(batch);
  };
  const schedule = () => {
    if (!held) return;
    const t = now();
    const due = Math.min(Math.max(lastApply + minInterval, lastKey + quiet, t), heldSince + maxDelay);
    if (timer) clearTimeout(timer);
    if (due <= t) flush();
    else timer = setTimeout(flush, Math.ceil(due - t));
  };
  return {
    push(batch) {
      if (held) held = composeBatches(held, batch);
      else {
        held = batch;
        heldSince = now();
      }
      schedule();
    },
    noteKey() {
      lastKey = now();
      schedule();
    },
    flush,
    stop() {
      if (timer) clearTimeout(timer);
      timer = null;
      held = null;
    },
  };
}

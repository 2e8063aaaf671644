/**
 * Keys before data: watcher batches reach the store through this gate, which composes them
 * and applies at most one every `minIntervalMs`, and not while the user is typing (until
 * `quietAfterKeyMs` after the last key). Past `maxDelayMs` after the first held batch, held
 * changes ride along with the next key press (at most `keyChunk` ids per key, applied before
 * the key's own update, so both land in the key's one frame); if no key comes, a timer
 * applies them, and at the latest one more `maxDelayMs` later if the typing never pauses.
 *
 * This is the console's frame-rate limit for data: a burst of watcher events makes at most
 * one frame per `minIntervalMs` (150 ms, under 7 frames/s, the moderate rate stack-notes.md
 * asks for: a frame costs CPU, and bytes over SSH), and none of its own while keys come.
 * Ink's own throttle (render-console.tsx, CONSOLE_MAX_FPS) is set high so it never delays a
 * key: it has no flush, and at 20 fps a key pressed just after a data frame waited up to
 * 50 ms for its trailing edge.
 *
 * Why not a timer between keys: applying thousands of changes at 100k messages costs a map
 * update, a merge into the sorted list and a frame (tens of ms): a key pressed during that
 * waits. Part of a batch is a valid batch: ids are independent in an incremental batch (a
 * full batch is never split), so the store only lags a little, as with a slower watcher,
 * and equals the spool once everything is applied.
 * Pure timing logic (no React, no fs); the clock and timers are injectable for tests.
 */
import type { SpoolBatch } from '../domain/spool-batch.js';
import { composeBatches } from '../store/batch-apply.js';

export interface BatchGateOptions {
  minIntervalMs?: number;
  quietAfterKeyMs?: number;
  maxDelayMs?: number;
  /** Most ids applied with one key press once held changes are overdue. */
  keyChunk?: number;
  now?: () => number;
}

export interface BatchGate {
  /** Hand a watcher batch in. */
  push(batch: SpoolBatch): void;
  /** A key was pressed (call before handling it): hold batches back, or apply overdue ones. */
  noteKey(): void;
  /** Apply whatever is held now (e.g. on stop). */
  flush(): void;
  stop(): void;
}

/** The first `n` ids of an incremental batch, and the rest (null when nothing is left). */
function splitBatch(batch: SpoolBatch, n: number): [SpoolBatch, SpoolBatch | null] {
  if (batch.full || batch.upserts.length + batch.removals.length <= n) return [batch, null];
  const up = Math.min(n, batch.upserts.length);
  const rm = n - up;
  const part = (upserts: SpoolBatch['upserts'], removals: string[]): SpoolBatch => {
    const b: SpoolBatch = { upserts, removals, full: false, firstEventAt: batch.firstEventAt };
    if (batch.listedCounts) b.listedCounts = batch.listedCounts;
    return b;
  };
  return [
    part(batch.upserts.slice(0, up), batch.removals.slice(0, rm)),
    part(batch.upserts.slice(up), batch.removals.slice(rm)),
  ];
}

export function createBatchGate(apply: (batch: SpoolBatch) => void, options: BatchGateOptions = {}): BatchGate {
  const minInterval = options.minIntervalMs ?? 150;
  const quiet = options.quietAfterKeyMs ?? 120;
  const maxDelay = options.maxDelayMs ?? 750;
  const keyChunk = options.keyChunk ?? 500;
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
    // Typing at the deadline: keys apply the held changes in parts; the timer waits for a
    // pause, but not beyond a second maxDelay.
    const deadline = heldSince + maxDelay;
    const cap = lastKey + quiet > deadline ? deadline + maxDelay : deadline;
    const due = Math.min(Math.max(lastApply + minInterval, lastKey + quiet, t), cap);
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
      if (held && lastKey >= heldSince + maxDelay) {
        const [part, rest] = splitBatch(held, keyChunk);
        held = rest;
        lastApply = lastKey;
        apply(part);
      }
      if (held) schedule();
      else if (timer) (clearTimeout(timer), (timer = null));
    },
    flush,
    stop() {
      if (timer) clearTimeout(timer);
      timer = null;
      held = null;
    },
  };
}

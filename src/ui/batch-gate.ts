/**
 * Keys before data: watcher batches reach the store through this gate, which composes them
 * and applies at most one every `minIntervalMs`, and not while the user is typing (until
 * `quietAfterKeyMs` after the last key). Past `maxDelayMs` after the first held batch, held
 * changes ride along with the next key press (at most `keyChunk` ids per key, applied before
 * the key's own update, so both land in the key's one frame); if no key comes, a timer
 * applies them, and at the latest one more `maxDelayMs` later if the typing never pauses.
 *
 * This is the console's frame-rate limit for data: a change after a quiet second is shown
 * within `minIntervalMs` (150 ms), but while data keeps coming (two data frames less than
 * `busyAfterMs`, 1 s, apart) the frames come every `busyIntervalMs` (750 ms, 1.3 a second),
 * and none of their own while keys come. A frame costs CPU (Ink lays out, tokenizes and diffs
 * the whole screen: 7-15 ms on this 2-core machine), and bytes over SSH: at 150 ms a server
 * moving 50 messages a second kept the console at 14-17 % of a core (npm run soak).
 * Ink's own throttle (render-console.tsx, CONSOLE_MAX_FPS) is set high so it never delays a
 * key: it has no flush, and at 20 fps a key pressed just after a data frame waited up to
 * 50 ms for its trailing edge.
 *
 * Why not a timer between keys: applying thousands of changes at 100k messages costs a map
 * update, a merge into the sorted list and a frame (tens of ms): a key pressed during that
 * waits. Part of a batch is a valid batch: ids are independent in an incremental batch (a
 * full batch is never split), so the store only lags a little, as with a slower watcher,
 * and equals the spool once everything is applied.
 *
 * The initial index (batches that carry listedCounts) is different: 100k entries arrive in
 * thousands per batch, and every apply costs O(n) somewhere (the sorted list, the queue
 * figures), so applying every 750 ms made the console fill in about twice the watcher's time
 * on a loaded machine. While it runs, held entries wait until they are at least as many as
 * the store already got from it (the store doubles: O(n) in all; `fillFirst` for the first
 * part), or half of what the listing says is still to come, whichever is less (never less
 * than `fillFirst`), or until `fillMaxMs` passed; the header's counts come from the listing at
 * once anyway. The batch that ends the index (no listedCounts) is applied at once, not after
 * the interval: that is when every row is there, and what is left for it is then small (with
 * doubling alone, the last part was up to half the spool, sorted and merged after the
 * watcher was done: at 100k, 0.5-0.8 s of the console's fill on this machine).
 *
 * With `prepare` (the console: the store's prepareSpoolBatch, see sliceInto()), each part of
 * the index is applied in slices of at most `sliceMs` (8 ms), one setImmediate apart, and
 * committed in one set() at the end: a key pressed meanwhile is read, handled and drawn
 * between two slices instead of after the whole part (one part, a new map and a sort of 100k
 * rows, held the main thread 0.2-0.5 s and more on a loaded machine). Keys then neither hold
 * the parts back nor carry them in chunks (each chunk cost a merge into the whole list, in
 * the key's own frame); the parts of later batches wait while a job runs.
 * Pure timing logic (no React, no fs); the clock and timers are injectable for tests.
 */
import type { SpoolBatch } from '../domain/spool-batch.js';
import type { ConsoleStore } from '../store/console-state.js';
import { Held } from '../store/held-batches.js';

/** A batch applied a slice at a time (the store's batch-job.ts, through sliceInto()). */
export interface SlicedApply {
  /** Work until `due()` is true; true once ready to commit. */
  step(due: () => boolean): boolean;
  /** Apply the finished work (or the batch itself, when the store moved on meanwhile). */
  commit(): void;
  cancel(): void;
}

/** The gate's `prepare` for a console store: its batches as jobs done in slices. */
export function sliceInto(store: ConsoleStore): (batch: SpoolBatch) => SlicedApply {
  return (batch) => {
    const job = store.getState().prepareSpoolBatch(batch);
    return { step: (due) => job.step(due), commit: () => store.getState().applyPreparedBatch(job), cancel: () => job.cancel() };
  };
}

export interface BatchGateOptions {
  minIntervalMs?: number;
  /**
   * The interval while data keeps coming: once two data frames came less than `busyAfterMs`
   * apart, the next waits this long (default 750 ms), until a gap of `busyAfterMs` or more.
   */
  busyIntervalMs?: number;
  busyAfterMs?: number;
  /**
   * A burst keeps `minIntervalMs`: while this many changes are held, or the last data frame
   * carried this many, the busy interval does not apply (each frame carries hundreds of
   * changes, so its cost is spread; a trickle still gets `busyIntervalMs`). Off by default;
   * the merged fleet view sets it (its goal: a burst on screen within 500 ms).
   */
  burstSize?: number;
  quietAfterKeyMs?: number;
  maxDelayMs?: number;
  /** Most ids applied with one key press once held changes are overdue. */
  keyChunk?: number;
  /** During the initial index: the least first part, and the longest wait between parts (ms). */
  fillFirst?: number;
  fillMaxMs?: number;
  /** Apply the initial index's parts in slices (see above); absent: each at once. */
  prepare?: (batch: SpoolBatch) => SlicedApply;
  /** Longest slice of such a job before it yields (ms; default 8). */
  sliceMs?: number;
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

export function createBatchGate(apply: (batch: SpoolBatch) => void, options: BatchGateOptions = {}): BatchGate {
  const minInterval = options.minIntervalMs ?? 150;
  const busyInterval = options.busyIntervalMs ?? 750;
  const busyAfter = options.busyAfterMs ?? 1000;
  const burstSize = options.burstSize ?? Infinity;
  /** Changes in the last data frame. */
  let lastSize = 0;
  const quiet = options.quietAfterKeyMs ?? 120;
  const maxDelay = options.maxDelayMs ?? 750;
  const keyChunk = options.keyChunk ?? 500;
  const fillFirst = options.fillFirst ?? 2000;
  const fillMax = options.fillMaxMs ?? 3000;
  /** Entries applied from the running initial index; null when no index is running. */
  let filled: number | null = null;
  const now = options.now ?? (() => performance.now());
  let held: Held | null = null;
  let heldSince = 0;
  let lastApply = -Infinity;
  /** The gap between the last two data frames. */
  let lastGap = Infinity;
  let lastKey = -Infinity;
  let timer: NodeJS.Timeout | null = null;
  const prepare = options.prepare;
  const sliceMs = options.sliceMs ?? 8;
  /** The part of the index being applied in slices, and its next slice. */
  let job: { sliced: SlicedApply; batch: SpoolBatch } | null = null;
  let immediate: NodeJS.Immediate | null = null;

  const applied = (batch: SpoolBatch) => {
    const t = now();
    lastGap = t - lastApply;
    lastApply = t;
    lastSize = batch.upserts.length + batch.removals.length;
    noteFill(batch);
  };
  const flush = () => {
    if (timer) clearTimeout(timer);
    timer = null;
    if (!held || job) return;
    const batch = held.all();
    held = null;
    if (prepare && filled !== null && !batch.full) {
      job = { sliced: prepare(batch), batch };
      immediate = setImmediate(runJob);
      return;
    }
    applied(batch);
    apply(batch);
  };
  const runJob = () => {
    immediate = null;
    if (!job) return;
    const deadline = now() + sliceMs;
    if (!job.sliced.step(() => now() >= deadline)) {
      immediate = setImmediate(runJob);
      return;
    }
    commitJob();
    schedule();
  };
  const commitJob = () => {
    const { sliced, batch } = job!;
    job = null;
    applied(batch);
    sliced.commit();
  };
  const fillPart = (applied: number, listedCounts: NonNullable<SpoolBatch['listedCounts']>) => {
    let listed = 0;
    for (const count of Object.values(listedCounts)) listed += count ?? 0;
    const toCome = listed - applied;
    // More than the listing said (mail arriving meanwhile): doubling again, never parts of
    // fillFirst each (every part costs an O(n) merge).
    return Math.max(fillFirst, toCome > 0 ? Math.min(applied, Math.ceil(toCome / 2)) : applied);
  };
  const noteFill = (batch: SpoolBatch) => {
    filled = batch.listedCounts ? (filled ?? 0) + batch.upserts.length : null;
  };
  const schedule = () => {
    if (!held || job) return;
    const t = now();
    // Typing at the deadline: keys apply the held changes in parts; the timer waits for a
    // pause, but not beyond a second maxDelay.
    const deadline = heldSince + maxDelay;
    const cap = lastKey + quiet > deadline ? deadline + maxDelay : deadline;
    const bursting = held.size >= burstSize || lastSize >= burstSize;
    const interval = lastGap < busyAfter && !bursting ? busyInterval : minInterval;
    let due = Math.min(Math.max(lastApply + interval, lastKey + quiet, t), cap);
    if (filled !== null && !held.full) {
      // The initial index: in doubling parts until half the listing is in, then in halving
      // parts (half of what is still to come), and its end at once (keys still first).
      const ready = !held.listedCounts || held.size >= fillPart(filled, held.listedCounts);
      due = ready ? t : Math.max(lastApply, heldSince) + fillMax;
      // Applied at once, a part waits for a pause in typing; applied in slices it need not.
      if (!prepare) due = Math.max(due, lastKey + quiet);
    }
    if (timer) clearTimeout(timer);
    if (due <= t) flush();
    else timer = setTimeout(flush, Math.ceil(due - t));
  };
  return {
    push(batch) {
      if (!held) {
        held = new Held();
        heldSince = now();
      }
      held.add(batch);
      schedule();
    },
    noteKey() {
      lastKey = now();
      // The index's parts are applied in slices between keys, never in the keys' frames.
      const filling = prepare !== undefined && (filled !== null || job !== null);
      if (held && !filling && lastKey >= heldSince + maxDelay) {
        const part = held.take(keyChunk);
        if (held.size === 0) held = null;
        lastApply = lastKey;
        noteFill(part);
        apply(part);
      }
      if (held) schedule();
      else if (timer) (clearTimeout(timer), (timer = null));
    },
    flush() {
      // A job is finished now, then whatever came meanwhile is applied with it.
      if (job) {
        if (immediate) clearImmediate(immediate);
        immediate = null;
        while (!job.sliced.step(() => false));
        commitJob();
      }
      if (held) {
        const batch = held.all();
        held = null;
        applied(batch);
        apply(batch);
      }
      if (timer) clearTimeout(timer);
      timer = null;
    },
    stop() {
      if (timer) clearTimeout(timer);
      if (immediate) clearImmediate(immediate);
      timer = null;
      immediate = null;
      job?.sliced.cancel();
      job = null;
      held = null;
    },
  };
}

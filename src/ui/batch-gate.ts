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
 * figures, the map's fold), so applying every 750 ms made the console fill in about twice the
 * watcher's time on a loaded machine. While it runs, held entries wait until they are at least
 * as many as the store already got from it (the store doubles: O(n) in all; `fillFirst` for
 * the first part), or `fillMaxMs` passed; the header's counts come from the listing at once
 * anyway. The batch that ends the index (no listedCounts) is applied at once, not after the
 * interval: that is when every row is there.
 * Pure timing logic (no React, no fs); the clock and timers are injectable for tests.
 */
import type { QueueEntry } from '../domain/entry.js';
import type { SpoolBatch } from '../domain/spool-batch.js';

export interface BatchGateOptions {
  minIntervalMs?: number;
  /**
   * The interval while data keeps coming: once two data frames came less than `busyAfterMs`
   * apart, the next waits this long (default 750 ms), until a gap of `busyAfterMs` or more.
   */
  busyIntervalMs?: number;
  busyAfterMs?: number;
  quietAfterKeyMs?: number;
  maxDelayMs?: number;
  /** Most ids applied with one key press once held changes are overdue. */
  keyChunk?: number;
  /** During the initial index: the least first part, and the longest wait between parts (ms). */
  fillFirst?: number;
  fillMaxMs?: number;
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

/**
 * Held changes, composed in place as batches come (the later wins, as composeBatches() in
 * store/batch-apply.ts): a push costs O(its batch), not a new copy of everything held, which
 * at 5,000 events/s was a few thousand ids copied every 25 ms.
 */
class Held {
  readonly upserts = new Map<string, QueueEntry>();
  readonly removals = new Set<string>();
  full = false;
  firstEventAt: number | null = null;
  listedCounts: SpoolBatch['listedCounts'];

  add(batch: SpoolBatch): void {
    if (batch.full) {
      // A full batch replaces whatever was held.
      this.upserts.clear();
      this.removals.clear();
      this.full = true;
    }
    for (const id of batch.removals) {
      this.upserts.delete(id);
      this.removals.add(id);
    }
    for (const e of batch.upserts) {
      this.upserts.set(e.queueId, e);
      this.removals.delete(e.queueId);
    }
    const t = batch.firstEventAt;
    if (t !== null && (this.firstEventAt === null || t < this.firstEventAt)) this.firstEventAt = t;
    // Absent once the initial index is done: the latest batch says which.
    this.listedCounts = batch.listedCounts;
  }

  get size(): number {
    return this.upserts.size + this.removals.size;
  }

  /** Everything held as one batch. */
  all(): SpoolBatch {
    return this.batch([...this.upserts.values()], [...this.removals]);
  }

  /** Up to `n` ids as a batch, taken out (a full batch is never split: all of it). */
  take(n: number): SpoolBatch {
    if (this.full || this.size <= n) {
      const batch = this.all();
      this.upserts.clear();
      this.removals.clear();
      this.full = false;
      return batch;
    }
    const upserts: QueueEntry[] = [];
    const removals: string[] = [];
    for (const [id, e] of this.upserts) {
      if (upserts.length >= n) break;
      upserts.push(e);
      this.upserts.delete(id);
    }
    for (const id of this.removals) {
      if (upserts.length + removals.length >= n) break;
      removals.push(id);
      this.removals.delete(id);
    }
    return this.batch(upserts, removals);
  }

  private batch(upserts: QueueEntry[], removals: string[]): SpoolBatch {
    const b: SpoolBatch = { upserts, removals, full: this.full, firstEventAt: this.firstEventAt };
    if (this.listedCounts) b.listedCounts = this.listedCounts;
    return b;
  }
}

export function createBatchGate(apply: (batch: SpoolBatch) => void, options: BatchGateOptions = {}): BatchGate {
  const minInterval = options.minIntervalMs ?? 150;
  const busyInterval = options.busyIntervalMs ?? 750;
  const busyAfter = options.busyAfterMs ?? 1000;
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

  const flush = () => {
    if (timer) clearTimeout(timer);
    timer = null;
    if (!held) return;
    const batch = held.all();
    held = null;
    const t = now();
    lastGap = t - lastApply;
    lastApply = t;
    noteFill(batch);
    apply(batch);
  };
  const noteFill = (batch: SpoolBatch) => {
    filled = batch.listedCounts ? (filled ?? 0) + batch.upserts.length : null;
  };
  const schedule = () => {
    if (!held) return;
    const t = now();
    // Typing at the deadline: keys apply the held changes in parts; the timer waits for a
    // pause, but not beyond a second maxDelay.
    const deadline = heldSince + maxDelay;
    const cap = lastKey + quiet > deadline ? deadline + maxDelay : deadline;
    const interval = lastGap < busyAfter ? busyInterval : minInterval;
    let due = Math.min(Math.max(lastApply + interval, lastKey + quiet, t), cap);
    if (filled !== null && !held.full) {
      // The initial index: in doubling parts, and its end at once (keys still first).
      const ready = !held.listedCounts || held.size >= Math.max(fillFirst, filled);
      due = Math.max(ready ? t : Math.max(lastApply, heldSince) + fillMax, lastKey + quiet);
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
      if (held && lastKey >= heldSince + maxDelay) {
        const part = held.take(keyChunk);
        if (held.size === 0) held = null;
        lastApply = lastKey;
        noteFill(part);
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

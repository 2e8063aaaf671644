/**
 * Per-queue figures for the header: count, total size and oldest arrival, for all six queues
 * (an empty queue is { count: 0, totalSize: 0, oldestArrival: null }).
 *
 * Kept incrementally: a batch adds and subtracts only what it changed. The oldest arrival can
 * only grow when the oldest entry leaves; then the store's OldestTracker (per-queue heaps)
 * answers in O(log n), or without one the entries are scanned once for the batch. Returns
 * new objects, never mutates the stats (the tracker moves forward with the batches).
 *
 * Only messages count: a file whose owner bits are not rwx (state `incomplete`: still being
 * written, or a stray file such as maildrop/README) is kept in the entry map but is not a
 * message yet, as for showq and qshape; it counts once it turns 0700.
 */
import type { QueueEntry } from '../domain/entry.js';
import { QUEUE_NAMES, type QueueName } from '../domain/queue.js';
import type { OldestTracker } from './oldest-tracker.js';

export interface QueueStats {
  count: number;
  /** Sum of mailq's message sizes, bytes. */
  totalSize: number;
  /** Epoch seconds of the oldest arrival, null when the queue is empty. */
  oldestArrival: number | null;
}

/** Whether an entry is a message (counted, listed, actionable), not a file being written. */
export function isMessage(entry: QueueEntry): boolean {
  return entry.state !== 'incomplete';
}

export type QueueStatsMap = Readonly<Record<QueueName, Readonly<QueueStats>>>;

function zero(): QueueStats {
  return { count: 0, totalSize: 0, oldestArrival: null };
}

export function emptyQueueStats(): QueueStatsMap {
  return Object.fromEntries(QUEUE_NAMES.map((q) => [q, zero()])) as Record<QueueName, QueueStats>;
}

/** Stats from scratch: one pass over all entries (and a fresh tracker, when given). */
export function computeQueueStats(entries: Iterable<QueueEntry>, tracker?: OldestTracker): QueueStatsMap {
  const stats = Object.fromEntries(QUEUE_NAMES.map((q) => [q, zero()])) as Record<QueueName, QueueStats>;
  tracker?.reset();
  for (const e of entries) {
    if (!isMessage(e)) continue;
    tracker?.add(e.queueName, e.arrivalTime);
    const s = stats[e.queueName];
    s.count++;
    s.totalSize += e.messageSize;
    if (s.oldestArrival === null || e.arrivalTime < s.oldestArrival) s.oldestArrival = e.arrivalTime;
  }
  return stats;
}

/**
 * Apply one batch's changes: `removed` are the entries that left (including the old version
 * of a moved or changed entry), `added` the ones that arrived (including the new version).
 * With a tracker (the store's), the oldest comes from its heaps in O(log n); without one,
 * `entriesAfter` (the map after the batch) is scanned when an oldest entry left.
 */
export function updateQueueStats(
  prev: QueueStatsMap,
  removed: readonly QueueEntry[],
  added: readonly QueueEntry[],
  entriesAfter: ReadonlyMap<string, QueueEntry>,
  tracker?: OldestTracker,
): QueueStatsMap {
  if (removed.length === 0 && added.length === 0) return prev;
  const next: Partial<Record<QueueName, QueueStats>> = {};
  const get = (q: QueueName): QueueStats => (next[q] ??= { ...prev[q] });
  const stale = new Set<QueueName>();
  for (const e of removed) {
    if (!isMessage(e)) continue;
    const s = get(e.queueName);
    s.count--;
    s.totalSize -= e.messageSize;
    tracker?.remove(e.queueName, e.arrivalTime);
    if (s.oldestArrival !== null && e.arrivalTime <= s.oldestArrival) stale.add(e.queueName);
  }
  for (const e of added) {
    if (!isMessage(e)) continue;
    const s = get(e.queueName);
    s.count++;
    s.totalSize += e.messageSize;
    tracker?.add(e.queueName, e.arrivalTime);
    if (!stale.has(e.queueName) && (s.oldestArrival === null || e.arrivalTime < s.oldestArrival)) {
      s.oldestArrival = e.arrivalTime;
    }
  }
  if (stale.size > 0 && tracker) {
    for (const q of stale) next[q]!.oldestArrival = tracker.min(q);
  } else if (stale.size > 0) {
    for (const q of stale) next[q]!.oldestArrival = null;
    for (const e of entriesAfter.values()) {
      if (!stale.has(e.queueName) || !isMessage(e)) continue;
      const s = next[e.queueName]!;
      if (s.oldestArrival === null || e.arrivalTime < s.oldestArrival) s.oldestArrival = e.arrivalTime;
    }
  }
  for (const q of Object.keys(next) as QueueName[]) {
    if (next[q]!.count === 0) next[q] = zero();
  }
  return { ...prev, ...next };
}

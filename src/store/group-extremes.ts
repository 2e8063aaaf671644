/**
 * A group's oldest and newest arrival and soonest retry, kept as messages come and go. A
 * small group keeps the three values and is rescanned when the message holding one of them
 * leaves (cheap); past HEAP_FROM messages it keeps (value, entry) heaps instead, so the
 * soonest retry leaving (what Postfix delivers first) costs O(log n), not a pass over 50,000
 * messages on every batch. A removal from a big group touches its heaps only when it took
 * an extreme: items of messages gone are dropped when they reach the top, or all at once
 * when they are half the heap (a removal recorded in a map of removed values per heap cost
 * 40 % of a batch of 500 moves).
 *
 * Contract: add()/remove() follow the group's membership exactly; remove() is called after
 * `live` turned false for the message, and answers whether the values are stale (rescan()
 * them from the live entries before reading). Never throws.
 */
import type { QueueEntry } from '../domain/entry.js';
import { CrossingHeap } from './crossing-heap.js';

/** Beyond this many messages a group keeps heaps (low enough that the tests' spools have such groups). */
export const HEAP_FROM = 64;

const retryOf = (e: QueueEntry): number | null => (e.queueName === 'deferred' ? e.mtime : null);

/** The least value of a heap whose top item is a live message (dead tops dropped), or null. */
function liveTop(heap: CrossingHeap, live: (e: QueueEntry) => boolean): number | null {
  while (heap.at.length > 0 && !live(heap.who[0]!)) heap.pop();
  return heap.at.length > 0 ? heap.at[0]! : null;
}

export class GroupExtremes {
  oldest = Infinity;
  newest = -Infinity;
  nextRetry: number | null = null;
  /**
   * How many messages hold each value (a flood arrives within the same second): small
   * groups. Fields, not an array: a build of 17,000 client groups made 17,000 arrays more.
   */
  private oldestTies = 0;
  private newestTies = 0;
  private retryTies = 0;
  /** Heaps of (arrival, entry), (-arrival, entry) and (retry, entry), once the group is big. */
  private heaps: [CrossingHeap, CrossingHeap, CrossingHeap] | null = null;

  add(e: QueueEntry): void {
    const retry = retryOf(e);
    const t = e.arrivalTime;
    if (this.heaps) {
      this.heaps[0].push(t, e);
      this.heaps[1].push(-t, e);
      if (retry !== null) this.heaps[2].push(retry, e);
    }
    if (t < this.oldest) (this.oldest = t), (this.oldestTies = 1);
    else if (t === this.oldest) this.oldestTies++;
    if (t > this.newest) (this.newest = t), (this.newestTies = 1);
    else if (t === this.newest) this.newestTies++;
    if (retry === null) return;
    if (this.nextRetry === null || retry < this.nextRetry) (this.nextRetry = retry), (this.retryTies = 1);
    else if (retry === this.nextRetry) this.retryTies++;
  }

  /** True when the values must be rescanned before they are read (`size`: the group's messages now). */
  remove(e: QueueEntry, live: (e: QueueEntry) => boolean, size: number): boolean {
    const retry = retryOf(e);
    const t = e.arrivalTime;
    if (this.heaps) {
      if (this.heaps[0].at.length > 2 * size + 64) this.heaps = [keepLive(this.heaps[0], live), keepLive(this.heaps[1], live), keepLive(this.heaps[2], live)];
      const [oldest, newest, retries] = this.heaps;
      if (t === this.oldest) this.oldest = liveTop(oldest, live) ?? Infinity;
      if (t === this.newest) this.newest = -(liveTop(newest, live) ?? Infinity);
      if (retry !== null && retry === this.nextRetry) this.nextRetry = liveTop(retries, live);
      return false;
    }
    // Stale only when the last message holding a value leaves.
    let stale = false;
    if (t === this.oldest && --this.oldestTies === 0) stale = true;
    if (t === this.newest && --this.newestTies === 0) stale = true;
    if (retry !== null && retry === this.nextRetry && --this.retryTies === 0) stale = true;
    return stale;
  }

  /** The values again from the group's live entries; a big group's heaps built in O(n). */
  rescan(entries: readonly QueueEntry[]): void {
    this.oldest = Infinity;
    this.newest = -Infinity;
    this.nextRetry = null;
    this.oldestTies = this.newestTies = this.retryTies = 0;
    this.heaps = null;
    if (entries.length <= HEAP_FROM) {
      for (const e of entries) this.add(e);
      return;
    }
    const n = entries.length;
    const arrivals = new Array<number>(n);
    const negated = new Array<number>(n);
    const retries: number[] = [];
    const retried: QueueEntry[] = [];
    for (let i = 0; i < n; i++) {
      const e = entries[i]!;
      arrivals[i] = e.arrivalTime;
      negated[i] = -e.arrivalTime;
      if (e.queueName === 'deferred') (retries.push(e.mtime), retried.push(e));
    }
    this.heaps = [CrossingHeap.from(arrivals, entries.slice()), CrossingHeap.from(negated, entries.slice()), CrossingHeap.from(retries, retried)];
    this.oldest = this.heaps[0].at[0] ?? Infinity;
    this.newest = -(this.heaps[1].at[0] ?? Infinity);
    this.nextRetry = this.heaps[2].at[0] ?? null;
  }
}

/** A heap of the live items of `heap` (half its items were of messages gone). */
function keepLive(heap: CrossingHeap, live: (e: QueueEntry) => boolean): CrossingHeap {
  const at: number[] = [];
  const who: QueueEntry[] = [];
  for (let i = 0; i < heap.at.length; i++) if (live(heap.who[i]!)) (at.push(heap.at[i]!), who.push(heap.who[i]!));
  return CrossingHeap.from(at, who);
}

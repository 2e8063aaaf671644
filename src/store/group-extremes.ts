/**
 * A group's oldest and newest arrival and soonest retry, kept as messages come and go. A
 * small group keeps the three values and is rescanned when the message holding one of them
 * leaves (cheap); a big one, on its first such rescan, switches to lazy heaps, so the soonest
 * retry leaving (what Postfix delivers first) costs O(log n), not a pass over 50,000 messages
 * on every batch.
 *
 * Contract: add()/remove() follow the group's membership exactly; remove() answers whether
 * the values are stale (rescan() them from the live entries before reading). Never throws.
 */
import type { QueueEntry } from '../domain/entry.js';
import { LazyMinHeap } from './oldest-tracker.js';

/** Beyond this many messages a rescan builds heaps instead (low enough that the tests' spools have such groups). */
export const HEAP_FROM = 64;

const retryOf = (e: QueueEntry): number | null => (e.queueName === 'deferred' ? e.mtime : null);

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
  /** Min-heaps of arrival, of -arrival and of retry, once the group is big. */
  private heaps: [LazyMinHeap, LazyMinHeap, LazyMinHeap] | null = null;

  add(e: QueueEntry): void {
    const retry = retryOf(e);
    const t = e.arrivalTime;
    if (this.heaps) {
      this.heaps[0].add(t);
      this.heaps[1].add(-t);
      if (retry !== null) this.heaps[2].add(retry);
    }
    if (t < this.oldest) (this.oldest = t), (this.oldestTies = 1);
    else if (t === this.oldest) this.oldestTies++;
    if (t > this.newest) (this.newest = t), (this.newestTies = 1);
    else if (t === this.newest) this.newestTies++;
    if (retry === null) return;
    if (this.nextRetry === null || retry < this.nextRetry) (this.nextRetry = retry), (this.retryTies = 1);
    else if (retry === this.nextRetry) this.retryTies++;
  }

  /** True when the values must be rescanned before they are read. */
  remove(e: QueueEntry): boolean {
    const retry = retryOf(e);
    const t = e.arrivalTime;
    if (this.heaps) {
      const [oldest, newest, retries] = this.heaps;
      oldest.remove(t);
      newest.remove(-t);
      if (retry !== null) retries.remove(retry);
      this.oldest = oldest.min() ?? Infinity;
      this.newest = -(newest.min() ?? Infinity);
      this.nextRetry = retries.min();
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
    for (let i = 0; i < n; i++) {
      const e = entries[i]!;
      arrivals[i] = e.arrivalTime;
      negated[i] = -e.arrivalTime;
      if (e.queueName === 'deferred') retries.push(e.mtime);
    }
    this.heaps = [LazyMinHeap.of(arrivals), LazyMinHeap.of(negated), LazyMinHeap.of(retries)];
    this.oldest = this.heaps[0].min() ?? Infinity;
    this.newest = -(this.heaps[1].min() ?? Infinity);
    this.nextRetry = this.heaps[2].min();
  }
}

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
const HEAP_FROM = 64;

const retryOf = (e: QueueEntry): number | null => (e.queueName === 'deferred' ? e.mtime : null);

export class GroupExtremes {
  oldest = Infinity;
  newest = -Infinity;
  nextRetry: number | null = null;
  /** How many messages hold each value (a flood arrives within the same second): small groups. */
  private ties = [0, 0, 0];
  /** Min-heaps of arrival, of -arrival and of retry, once the group is big. */
  private heaps: [LazyMinHeap, LazyMinHeap, LazyMinHeap] | null = null;

  add(e: QueueEntry): void {
    const retry = retryOf(e);
    if (this.heaps) {
      this.heaps[0].add(e.arrivalTime);
      this.heaps[1].add(-e.arrivalTime);
      if (retry !== null) this.heaps[2].add(retry);
    }
    const { ties } = this;
    if (e.arrivalTime < this.oldest) (this.oldest = e.arrivalTime), (ties[0] = 1);
    else if (e.arrivalTime === this.oldest) ties[0]!++;
    if (e.arrivalTime > this.newest) (this.newest = e.arrivalTime), (ties[1] = 1);
    else if (e.arrivalTime === this.newest) ties[1]!++;
    if (retry === null) return;
    if (this.nextRetry === null || retry < this.nextRetry) (this.nextRetry = retry), (ties[2] = 1);
    else if (retry === this.nextRetry) ties[2]!++;
  }

  /** True when the values must be rescanned before they are read. */
  remove(e: QueueEntry): boolean {
    const retry = retryOf(e);
    if (this.heaps) {
      const [oldest, newest, retries] = this.heaps;
      oldest.remove(e.arrivalTime);
      newest.remove(-e.arrivalTime);
      if (retry !== null) retries.remove(retry);
      this.oldest = oldest.min() ?? Infinity;
      this.newest = -(newest.min() ?? Infinity);
      this.nextRetry = retries.min();
      return false;
    }
    // Stale only when the last message holding a value leaves.
    const { ties } = this;
    let stale = false;
    if (e.arrivalTime === this.oldest && --ties[0]! === 0) stale = true;
    if (e.arrivalTime === this.newest && --ties[1]! === 0) stale = true;
    if (retry !== null && retry === this.nextRetry && --ties[2]! === 0) stale = true;
    return stale;
  }

  /** The values again from the group's live entries. */
  rescan(entries: readonly QueueEntry[]): void {
    this.oldest = Infinity;
    this.newest = -Infinity;
    this.nextRetry = null;
    this.ties = [0, 0, 0];
    this.heaps = entries.length > HEAP_FROM ? [new LazyMinHeap(), new LazyMinHeap(), new LazyMinHeap()] : null;
    for (const e of entries) this.add(e);
  }
}

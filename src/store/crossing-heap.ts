/**
 * A binary min-heap of (time, entry) for the incremental groupings: when each message's age
 * enters its next histogram bucket (group-index.ts), and a big group's arrivals and retries
 * (group-extremes.ts). Stale items (a message gone, or moved on) are the caller's to skip
 * when popped.
 *
 * Contract: push/pop keep the heap order; at[0] / who[0] are the soonest. Never throws.
 */
import type { QueueEntry } from '../domain/entry.js';
import { AGE_BUCKETS, bucketOf, LAST_BUCKET } from './group-keys.js';

/** When an entry in `bucket` enters the next one (epoch seconds); null from the last. */
export const crossingOf = (e: QueueEntry, bucket: number): number | null => (bucket < LAST_BUCKET ? e.arrivalTime + AGE_BUCKETS[bucket]! : null);

export class CrossingHeap {
  at: number[] = [];
  who: QueueEntry[] = [];

  /** The heap of `entries` at `nowSec` (those `skip` names left out), heapified in O(n). */
  static of(entries: readonly QueueEntry[], nowSec: number, skip: (e: QueueEntry) => boolean): CrossingHeap {
    const at: number[] = [];
    const who: QueueEntry[] = [];
    for (const e of entries) {
      const t = skip(e) ? null : crossingOf(e, bucketOf(nowSec - e.arrivalTime));
      if (t !== null) (at.push(t), who.push(e));
    }
    return CrossingHeap.from(at, who);
  }

  /** A heap of the pairs (at[i], who[i]) (the arrays are taken, not copied), ordered in O(n). */
  static from(at: number[], who: QueueEntry[]): CrossingHeap {
    const heap = new CrossingHeap();
    heap.at = at;
    heap.who = who;
    for (let i = (at.length >> 1) - 1; i >= 0; i--) heap.down(i, at[i]!, who[i]!);
    return heap;
  }

  push(t: number, e: QueueEntry): void {
    const { at, who } = this;
    let i = at.length;
    at.push(t);
    who.push(e);
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (at[p]! <= t) break;
      at[i] = at[p]!;
      who[i] = who[p]!;
      i = p;
    }
    at[i] = t;
    who[i] = e;
  }

  pop(): void {
    const { at, who } = this;
    const t = at.pop()!;
    const e = who.pop()!;
    if (at.length > 0) this.down(0, t, e);
  }

  /** Put (t, e) at slot i or below, where the heap order holds. */
  private down(i: number, t: number, e: QueueEntry): void {
    const { at, who } = this;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= at.length) break;
      const c = l + 1 < at.length && at[l + 1]! < at[l]! ? l + 1 : l;
      if (at[c]! >= t) break;
      at[i] = at[c]!;
      who[i] = who[c]!;
      i = c;
    }
    at[i] = t;
    who[i] = e;
  }
}


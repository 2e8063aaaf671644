/**
 * A binary min-heap of (time, entry) for the incremental groupings (group-index.ts): when each
 * message's age enters its next histogram bucket. Stale items (a message gone, or moved on)
 * are the caller's to skip when popped.
 *
 * Contract: push/pop keep the heap order; at[0] / who[0] are the soonest. Never throws.
 */
import type { QueueEntry } from '../domain/entry.js';

export class CrossingHeap {
  at: number[] = [];
  who: QueueEntry[] = [];

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
    if (at.length === 0) return;
    let i = 0;
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


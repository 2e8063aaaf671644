/**
 * The oldest arrival per queue, kept as one min-heap per queue with lazy deletion, so the
 * oldest message leaving a queue costs O(log n), not a pass over 100k entries (the active
 * queue's oldest leaves all the time while Postfix delivers).
 *
 * Contract: forward-only and internal to one store (like the selector cache): add() and
 * remove() follow the batches in order; min() answers for the entries added and not removed.
 * remove() of a time never added is a bug in the caller; it is ignored by min() once the heap
 * drains. Never throws.
 */
import type { QueueName } from '../domain/queue.js';

/** A min-heap of numbers with lazy deletion (also the big groups' extremes, group-index.ts). */
export class LazyMinHeap {
  private heap: number[] = [];
  /** Times removed but still in the heap, with their multiplicity. */
  private gone = new Map<number, number>();
  private goneCount = 0;

  add(t: number): void {
    const h = this.heap;
    h.push(t);
    let i = h.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (h[parent]! <= t) break;
      h[i] = h[parent]!;
      i = parent;
    }
    h[i] = t;
  }

  /** Many at once: pushed as they are, then the heap rebuilt bottom-up when that is cheaper (O(n + k)). */
  addAll(times: readonly number[]): void {
    if (times.length < this.heap.length) {
      for (const t of times) this.add(t);
      return;
    }
    const h = this.heap;
    for (const t of times) h.push(t);
    for (let i = (h.length >> 1) - 1; i >= 0; i--) this.down(i, h[i]!);
  }

  remove(t: number): void {
    this.gone.set(t, (this.gone.get(t) ?? 0) + 1);
    this.goneCount++;
    // Mostly-dead heaps are rebuilt so memory stays proportional to the queue.
    if (this.goneCount > 1024 && this.goneCount * 2 > this.heap.length) this.compact();
  }

  min(): number | null {
    const h = this.heap;
    while (h.length > 0) {
      const top = h[0]!;
      const n = this.gone.get(top);
      if (!n) return top;
      if (n === 1) this.gone.delete(top);
      else this.gone.set(top, n - 1);
      this.goneCount--;
      this.pop();
    }
    return null;
  }

  private pop(): void {
    const h = this.heap;
    const last = h.pop()!;
    if (h.length > 0) this.down(0, last);
  }

  /** Put `last` at slot i or below, where the heap order holds. */
  private down(i: number, last: number): void {
    const h = this.heap;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= h.length) break;
      const r = l + 1;
      const c = r < h.length && h[r]! < h[l]! ? r : l;
      if (h[c]! >= last) break;
      h[i] = h[c]!;
      i = c;
    }
    h[i] = last;
  }

  private compact(): void {
    const live: number[] = [];
    for (const t of this.heap) {
      const n = this.gone.get(t);
      if (n) {
        if (n === 1) this.gone.delete(t);
        else this.gone.set(t, n - 1);
      } else {
        live.push(t);
      }
    }
    this.gone.clear();
    this.goneCount = 0;
    this.heap = [];
    for (const t of live.sort((a, b) => a - b)) this.heap.push(t); // a sorted array is a heap
  }
}

export class OldestTracker {
  private heaps = new Map<QueueName, LazyMinHeap>();

  private heap(queue: QueueName): LazyMinHeap {
    let h = this.heaps.get(queue);
    if (!h) this.heaps.set(queue, (h = new LazyMinHeap()));
    return h;
  }

  reset(): void {
    this.heaps.clear();
  }

  add(queue: QueueName, arrivalTime: number): void {
    this.heap(queue).add(arrivalTime);
  }

  /** A batch's arrivals in one queue (the initial index's parts: tens of thousands). */
  addAll(queue: QueueName, arrivalTimes: readonly number[]): void {
    this.heap(queue).addAll(arrivalTimes);
  }

  remove(queue: QueueName, arrivalTime: number): void {
    this.heap(queue).remove(arrivalTime);
  }

  /** The oldest arrival in a queue, null when it is empty. */
  min(queue: QueueName): number | null {
    return this.heaps.get(queue)?.min() ?? null;
  }
}

/**
 * A fixed-capacity ring buffer: push() overwrites the oldest item once full, so its memory is
 * the capacity whatever the uptime (the console stays open for weeks in a tmux pane).
 *
 * Contract: capacity is a positive integer (throws RangeError otherwise: a bug, not data);
 * toArray() is oldest first; at(0) is the oldest, at(size - 1) the newest. Mutable by design:
 * its owner (the trend history) is an internal object of the store, like the oldest tracker.
 */
export class RingBuffer<T> {
  private readonly items: (T | undefined)[];
  private start = 0;
  private length = 0;

  constructor(readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError(`ring buffer capacity must be a positive integer, not ${capacity}`);
    this.items = new Array<T | undefined>(capacity);
  }

  get size(): number {
    return this.length;
  }

  push(item: T): void {
    if (this.length < this.capacity) {
      this.items[(this.start + this.length) % this.capacity] = item;
      this.length++;
      return;
    }
    this.items[this.start] = item;
    this.start = (this.start + 1) % this.capacity;
  }

  /** The i-th item, oldest first; undefined outside 0..size-1. */
  at(i: number): T | undefined {
    if (i < 0 || i >= this.length) return undefined;
    return this.items[(this.start + i) % this.capacity];
  }

  last(): T | undefined {
    return this.at(this.length - 1);
  }

  toArray(): T[] {
    const out: T[] = [];
    for (let i = 0; i < this.length; i++) out.push(this.items[(this.start + i) % this.capacity]!);
    return out;
  }

  clear(): void {
    this.items.fill(undefined);
    this.start = 0;
    this.length = 0;
  }
}

/**
 * An immutable map for 100k entries that changes in small batches: a frozen base Map plus a
 * small delta of changes. withChanges() returns a new LayeredMap and leaves this one as it
 * was (versions are values, like a replaced Map), at O(delta) instead of copying 100k
 * entries per batch; once the delta outgrows a sixteenth of the base it is folded into a new
 * base (O(n), amortised over at least n/16 changes).
 *
 * Contract: a ReadonlyMap. Iteration order: unchanged keys in base order, then changed and
 * added keys. Never mutated after construction (the Maps inside are private and fresh).
 */

const GONE: unique symbol = Symbol('gone');
type Slot<V> = V | typeof GONE;

/** Fold the delta into the base when it has more entries than this share of the base. */
const COMPACT_SHARE = 1 / 16;
const COMPACT_MIN = 1024;

export class LayeredMap<K, V> implements ReadonlyMap<K, V> {
  private constructor(
    private readonly base: Map<K, V>,
    private readonly delta: Map<K, Slot<V>>,
    readonly size: number,
  ) {}

  static from<K, V>(map: Map<K, V>): LayeredMap<K, V> {
    return new LayeredMap(map, new Map(), map.size);
  }

  static empty<K, V>(): LayeredMap<K, V> {
    return new LayeredMap(new Map(), new Map(), 0);
  }

  get(key: K): V | undefined {
    const slot = this.delta.get(key);
    if (slot !== undefined) return slot === GONE ? undefined : slot;
    return this.base.get(key);
  }

  has(key: K): boolean {
    const slot = this.delta.get(key);
    if (slot !== undefined) return slot !== GONE;
    return this.base.has(key);
  }

  /** A new map with `sets` stored and `deletes` removed (deletes apply after sets). */
  withChanges(sets: Iterable<readonly [K, V]>, deletes: Iterable<K>): LayeredMap<K, V> {
    const delta = new Map(this.delta);
    let size = this.size;
    for (const [key, value] of sets) {
      if (!this.hasIn(delta, key)) size++;
      delta.set(key, value);
    }
    for (const key of deletes) {
      if (!this.hasIn(delta, key)) continue;
      size--;
      if (this.base.has(key)) delta.set(key, GONE);
      else delta.delete(key);
    }
    if (delta.size > Math.max(COMPACT_MIN, this.base.size * COMPACT_SHARE)) {
      const next = new LayeredMap(this.base, delta, size);
      return LayeredMap.from(new Map(next));
    }
    return new LayeredMap(this.base, delta, size);
  }

  private hasIn(delta: Map<K, Slot<V>>, key: K): boolean {
    const slot = delta.get(key);
    return slot !== undefined ? slot !== GONE : this.base.has(key);
  }

  *entries(): MapIterator<[K, V]> {
    const delta = this.delta;
    if (delta.size === 0) {
      yield* this.base.entries();
      return;
    }
    for (const pair of this.base) if (!delta.has(pair[0])) yield pair;
    for (const [key, slot] of delta) if (slot !== GONE) yield [key, slot];
  }

  *keys(): MapIterator<K> {
    for (const [key] of this.entries()) yield key;
  }

  *values(): MapIterator<V> {
    if (this.delta.size === 0) {
      yield* this.base.values();
      return;
    }
    for (const [, value] of this.entries()) yield value;
  }

  [Symbol.iterator](): MapIterator<[K, V]> {
    return this.entries();
  }

  forEach(callback: (value: V, key: K, map: ReadonlyMap<K, V>) => void, thisArg?: unknown): void {
    for (const [key, value] of this.entries()) callback.call(thisArg, value, key, this);
  }
}

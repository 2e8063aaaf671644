/**
 * An immutable map for 100k entries that changes in small batches, where no single batch pays
 * O(n): three layers, a frozen base Map, a frozen `mid` layer of changes being folded into a
 * new base, and a small `delta` of the latest changes. withChanges() returns a new LayeredMap
 * and leaves this one as it was (versions are values, like a replaced Map).
 *
 * Costs per batch of k changes: O(k) for the delta (the newest version owns the delta's Map
 * and updates it in place; the version it came from keeps only the k slots that undo the
 * change, so it still reads as before), plus O(k * rate) steps of the running fold.
 * When the delta outgrows a quarter of the base it becomes `mid`, and a fold starts copying
 * base + mid into the next base, `rate` entries per change (rate = 2 * (base + mid) / limit,
 * ~10 at 100k), so it is done before the delta can fill up again. The old design folded all
 * at once: one batch in 6,250 changes paid 80-320 ms at 100k, and a key pressed then waited.
 * The initial index stacks its parts instead (withLayer: each part's ids are new, so the base
 * becomes FrozenLayers, the parts' Maps as they came, and no part copies the map before it).
 * A read of the newest version is at most three Map lookups (two plus one per layer of a
 * stacked base, newest first; a fold flattens it); a read of an older version
 * also walks the undo records of the batches since (one for the store's previous version),
 * and what an older version keeps alive is bounded by the delta's limit (it freezes as mid).
 *
 * Sharing is safe: a fold's partial copy is a function of its base and mid alone, and every
 * version that holds the fold has that same base and mid, so any of them may advance it. A
 * version derived from an older version (a fork), or while one of its iterators is open,
 * copies its delta (O(delta)) instead of updating the shared one.
 *
 * Contract: a ReadonlyMap (values are never undefined). Iteration order: unchanged keys in
 * base order, then keys changed before the running fold, then the newest changes. Throws
 * only for a bug: withLayer() on a version that is not `stackable`. `layeredMapCounters` (entries folded, folds done, delta copies) is for tests.
 */

import { FrozenLayers, MAX_LAYERS } from './frozen-layers.js';

const GONE: unique symbol = Symbol('gone');
/** In an undo record: the key was not in the delta (reads fall through to mid and base). */
const ABSENT: unique symbol = Symbol('absent');
type Slot<V> = V | typeof GONE;

/** The delta becomes `mid` (and a fold starts) beyond this share of the base. */
const COMPACT_SHARE = 1 / 4;
const COMPACT_MIN = 1024;

/** Instrumentation for tests: entries copied by folds, folds completed, delta copies. */
export const layeredMapCounters = { folded: 0, folds: 0, deltaCopies: 0 };

/**
 * A delta layer. The newest version's node owns `map` (its slots over mid and base); when a
 * version is derived from it, the node gives the map to the new node and keeps `undo`: for
 * each key the change touched, the slot it had before (ABSENT: none).
 */
interface DeltaNode<K, V> {
  map: Map<K, Slot<V>> | null;
  undo: Map<K, Slot<V> | typeof ABSENT> | null;
  next: DeltaNode<K, V> | null;
  /** Open iterators reading `map`: while > 0 it is not updated in place. */
  readers: number;
}

const newNode = <K, V>(map: Map<K, Slot<V>>): DeltaNode<K, V> => ({ map, undo: null, next: null, readers: 0 });

/** base + mid -> the next base, copied a bounded number of entries at a time. */
class Fold<K, V> {
  private readonly target = new Map<K, V>();
  private readonly baseIter: Iterator<[K, V]>;
  private midIter: Iterator<[K, Slot<V>]> | null = null;
  private result: Map<K, V> | null = null;

  constructor(
    base: ReadonlyMap<K, V>,
    private readonly mid: Map<K, Slot<V>>,
    /** Entries to copy per changed key. */
    readonly rate: number,
  ) {
    this.baseIter = base.entries();
  }

  /** Copy up to `budget` more entries; the next base once everything is copied, else null. */
  advance(budget: number): Map<K, V> | null {
    if (this.result) return this.result;
    const { target, mid } = this;
    let done = 0;
    while (done < budget && this.midIter === null) {
      const step = this.baseIter.next();
      if (step.done) {
        this.midIter = mid.entries();
        break;
      }
      done++;
      if (!mid.has(step.value[0])) target.set(step.value[0], step.value[1]);
    }
    while (done < budget && this.midIter !== null) {
      const step = this.midIter.next();
      if (step.done) {
        this.result = target;
        layeredMapCounters.folds++;
        break;
      }
      done++;
      if (step.value[1] !== GONE) target.set(step.value[0], step.value[1]);
    }
    layeredMapCounters.folded += done;
    return this.result;
  }
}

export class LayeredMap<K, V> implements ReadonlyMap<K, V> {
  private constructor(
    /** A Map, or the initial index's parts as FrozenLayers (withLayer). */
    private readonly base: ReadonlyMap<K, V>,
    private readonly mid: Map<K, Slot<V>> | null,
    private readonly delta: DeltaNode<K, V>,
    private readonly fold: Fold<K, V> | null,
    readonly size: number,
  ) {}

  /** A map over `map`, which it takes over: the caller must not change it afterwards. */
  static from<K, V>(map: Map<K, V>): LayeredMap<K, V> {
    return new LayeredMap(map, null, newNode(new Map()), null, map.size);
  }

  static empty<K, V>(): LayeredMap<K, V> {
    return LayeredMap.from(new Map());
  }

  /**
   * Whether withLayer() can stack on this version: it is all base (no mid, no fold, an empty
   * delta that it still owns) and the base has room for one more layer.
   */
  get stackable(): boolean {
    const { base, delta } = this;
    const depth = base instanceof FrozenLayers ? base.depth : 1;
    return this.mid === null && this.fold === null && delta.map !== null && delta.map.size === 0 && depth < MAX_LAYERS;
  }

  /**
   * A new version with `layer` added, without copying this one: its base and `layer` as
   * FrozenLayers. Only where `stackable`, and only for a layer of keys this map does not have,
   * which the caller never changes afterwards (an index part of new ids: batch-job.ts).
   */
  withLayer(layer: Map<K, V>): LayeredMap<K, V> {
    const { base } = this;
    if (!this.stackable) throw new Error('LayeredMap.withLayer: not stackable');
    const stacked = base instanceof FrozenLayers ? base.with(layer) : base.size === 0 ? layer : new FrozenLayers([base, layer]);
    return new LayeredMap(stacked, null, newNode(new Map()), null, this.size + layer.size);
  }

  /** This version's delta slot for `key`: undefined when the delta does not have the key. */
  private deltaSlot(key: K): Slot<V> | undefined {
    let node = this.delta;
    while (node.map === null) {
      const slot = node.undo!.get(key);
      if (slot !== undefined) return slot === ABSENT ? undefined : slot;
      node = node.next!;
    }
    return node.map.get(key);
  }

  /** Whether mid and base (below the delta) have the key. */
  private hasBelow(key: K): boolean {
    const slot = this.mid?.get(key);
    return slot !== undefined ? slot !== GONE : this.base.has(key);
  }

  get(key: K): V | undefined {
    const slot = this.deltaSlot(key) ?? this.mid?.get(key);
    if (slot !== undefined) return slot === GONE ? undefined : slot;
    return this.base.get(key);
  }

  has(key: K): boolean {
    const slot = this.deltaSlot(key);
    return slot !== undefined ? slot !== GONE : this.hasBelow(key);
  }

  /**
   * This version's delta as a fresh Map, in its order (for a fork, or to read an older
   * version). Keys never leave a delta's map (a delete stores GONE), so the newest map holds
   * every key an older version's delta had, in the same order; the undo records say which
   * slots differ and which keys came later (ABSENT).
   */
  private deltaCopy(): Map<K, Slot<V>> {
    const over = new Map<K, Slot<V> | typeof ABSENT>();
    let node = this.delta;
    while (node.map === null) {
      for (const [key, slot] of node.undo!) if (!over.has(key)) over.set(key, slot);
      node = node.next!;
    }
    const out = new Map<K, Slot<V>>();
    for (const [key, newest] of node.map) {
      const slot = over.get(key);
      if (slot === undefined) out.set(key, newest);
      else if (slot !== ABSENT) out.set(key, slot);
    }
    return out;
  }

  /** A new map with `sets` stored and `deletes` removed (deletes apply after sets). */
  withChanges(sets: Iterable<readonly [K, V]>, deletes: Iterable<K>): LayeredMap<K, V> {
    const node = this.delta;
    const owned = node.map !== null && node.readers === 0;
    if (!owned) layeredMapCounters.deltaCopies++;
    const map = owned ? node.map! : this.deltaCopy();
    const undo = owned ? new Map<K, Slot<V> | typeof ABSENT>() : null;
    const record = (key: K) => {
      if (undo === null || undo.has(key)) return;
      const slot = map.get(key);
      undo.set(key, slot === undefined ? ABSENT : slot);
    };
    let size = this.size;
    let changes = 0;
    for (const [key, value] of sets) {
      changes++;
      const slot = map.get(key);
      if (!(slot !== undefined ? slot !== GONE : this.hasBelow(key))) size++;
      record(key);
      map.set(key, value);
    }
    for (const key of deletes) {
      changes++;
      const slot = map.get(key);
      if (!(slot !== undefined ? slot !== GONE : this.hasBelow(key))) continue;
      size--;
      record(key);
      // GONE even when mid and base lack the key: keys never leave the map (see deltaCopy).
      map.set(key, GONE);
    }
    let delta = newNode<K, V>(map);
    if (owned) {
      // The map moves on to the new version; this one keeps what undoes the change.
      node.map = null;
      node.undo = undo;
      node.next = delta;
    }

    let { base, mid, fold } = this;
    if (fold) {
      const next = fold.advance(changes * fold.rate);
      if (next) [base, mid, fold] = [next, null, null];
    }
    const limit = Math.max(COMPACT_MIN, base.size * COMPACT_SHARE);
    if (map.size > limit) {
      // Only when one batch outgrows the fold's pace: finish it now.
      if (fold) [base, mid, fold] = [fold.advance(Infinity)!, null, null];
      // The delta freezes as mid (no version owns its map any more); a fresh delta starts.
      mid = map;
      delta = newNode(new Map());
      fold = new Fold(base, mid, Math.ceil((2 * (base.size + mid.size)) / limit));
    }
    return new LayeredMap(base, mid, delta, fold, size);
  }

  *entries(): MapIterator<[K, V]> {
    const head = this.delta.map !== null ? this.delta : null;
    if (head) head.readers++;
    try {
      const delta = head ? head.map! : this.deltaCopy();
      const { base, mid } = this;
      if (mid === null && delta.size === 0) {
        yield* base.entries();
        return;
      }
      for (const pair of base) if (!delta.has(pair[0]) && !mid?.has(pair[0])) yield pair;
      if (mid) for (const [key, slot] of mid) if (slot !== GONE && !delta.has(key)) yield [key, slot];
      for (const [key, slot] of delta) if (slot !== GONE) yield [key, slot];
    } finally {
      if (head) head.readers--;
    }
  }

  *keys(): MapIterator<K> {
    for (const [key] of this.entries()) yield key;
  }

  *values(): MapIterator<V> {
    // Only the base (frozen): no pairs to build.
    const map = this.delta.map;
    if (this.mid === null && map !== null && map.size === 0) {
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

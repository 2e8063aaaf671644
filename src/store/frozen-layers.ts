/**
 * A read-only map made of frozen Maps whose keys are disjoint: the entry map of the console
 * while the initial index fills it. Each part of the index arrives as new ids only, so the
 * next version is the same layers plus the part's own Map (`with`), and no part copies the
 * entries before it (at 100k the copies were 29 MB of Map tables over a fill, each promoted
 * and left for a full collection). An older version is a prefix of the layers: it never
 * changes.
 *
 * Contract: a ReadonlyMap whose values are never undefined; the caller hands in a layer
 * whose keys no layer below has, and never changes a layer afterwards. Iteration: the layers
 * in order, each in its own order (what one Map filled part after part gives). A read asks
 * the layers newest first (the newest are the largest: the parts double), at most
 * MAX_LAYERS lookups. Never throws.
 */

/** More layers than this: the caller copies into one Map instead (reads stay bounded). */
export const MAX_LAYERS = 24;

export class FrozenLayers<K, V> implements ReadonlyMap<K, V> {
  readonly size: number;

  constructor(private readonly layers: readonly ReadonlyMap<K, V>[]) {
    let size = 0;
    for (const layer of layers) size += layer.size;
    this.size = size;
  }

  get depth(): number {
    return this.layers.length;
  }

  /** These layers and `layer` on top (its keys new to all of them). */
  with(layer: ReadonlyMap<K, V>): FrozenLayers<K, V> {
    return new FrozenLayers([...this.layers, layer]);
  }

  get(key: K): V | undefined {
    const { layers } = this;
    for (let i = layers.length - 1; i >= 0; i--) {
      const value = layers[i]!.get(key);
      if (value !== undefined) return value;
    }
    return undefined;
  }

  has(key: K): boolean {
    const { layers } = this;
    for (let i = layers.length - 1; i >= 0; i--) if (layers[i]!.has(key)) return true;
    return false;
  }

  *entries(): MapIterator<[K, V]> {
    for (const layer of this.layers) yield* layer.entries();
  }

  *keys(): MapIterator<K> {
    for (const layer of this.layers) yield* layer.keys();
  }

  *values(): MapIterator<V> {
    for (const layer of this.layers) yield* layer.values();
  }

  [Symbol.iterator](): MapIterator<[K, V]> {
    return this.entries();
  }

  forEach(callback: (value: V, key: K, map: ReadonlyMap<K, V>) => void, thisArg?: unknown): void {
    for (const layer of this.layers) for (const [key, value] of layer) callback.call(thisArg, value, key, this);
  }
}

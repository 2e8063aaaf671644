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
 * MAX_LAYERS lookups. A read of a string key no layer has mostly asks none: the store looks
 * up every id of a part before it stacks it, all new, and each such miss asked every layer
 * (at 100k, ~600,000 lookups in big scattered tables over a fill, 60-100 ms of the console's
 * main thread); a Bloom filter of every layer's keys (KeyFilter) answers most of them.
 * Never throws.
 */

/** More layers than this: the caller copies into one Map instead (reads stay bounded). */
export const MAX_LAYERS = 24;

/** 2^20 bits (128 KB): ~3 % false positives at 100,000 keys, ~20 % at 300,000. */
const FILTER_WORDS = 1 << 15;
const FILTER_MASK = FILTER_WORDS * 32 - 1;

/**
 * Which string keys may be in the layers (two bits a key; other keys: always maybe). Shared by
 * a version and the versions stacked on it: bits are only ever set, so a version below sees
 * at most more false positives (then it asks its layers), never a missing key.
 */
class KeyFilter {
  private readonly bits = new Int32Array(FILTER_WORDS);

  add(key: unknown): void {
    if (typeof key !== 'string') return;
    const h = hashOf(key);
    const g = secondOf(h);
    this.bits[(h & FILTER_MASK) >>> 5]! |= 1 << (h & 31);
    this.bits[(g & FILTER_MASK) >>> 5]! |= 1 << (g & 31);
  }

  mayHave(key: unknown): boolean {
    if (typeof key !== 'string') return true;
    const h = hashOf(key);
    if ((this.bits[(h & FILTER_MASK) >>> 5]! & (1 << (h & 31))) === 0) return false;
    const g = secondOf(h);
    return (this.bits[(g & FILTER_MASK) >>> 5]! & (1 << (g & 31))) !== 0;
  }
}

/** FNV-1a over the UTF-16 units (queue ids are short ASCII). */
function hashOf(key: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) h = Math.imul(h ^ key.charCodeAt(i), 0x01000193);
  return h;
}

const secondOf = (h: number): number => Math.imul(h ^ (h >>> 15), 0x2c1b3c6d) ^ (h >>> 13);

export class FrozenLayers<K, V> implements ReadonlyMap<K, V> {
  readonly size: number;
  private readonly filter: KeyFilter;

  /** `filter`: the one of the version below, which already has every key but the top layer's. */
  constructor(
    private readonly layers: readonly ReadonlyMap<K, V>[],
    filter?: KeyFilter,
  ) {
    let size = 0;
    for (const layer of layers) size += layer.size;
    this.size = size;
    this.filter = filter ?? new KeyFilter();
    for (const layer of filter ? layers.slice(-1) : layers) for (const key of layer.keys()) this.filter.add(key);
  }

  get depth(): number {
    return this.layers.length;
  }

  /** These layers and `layer` on top (its keys new to all of them). */
  with(layer: ReadonlyMap<K, V>): FrozenLayers<K, V> {
    return new FrozenLayers([...this.layers, layer], this.filter);
  }

  get(key: K): V | undefined {
    if (!this.filter.mayHave(key)) return undefined;
    const { layers } = this;
    for (let i = layers.length - 1; i >= 0; i--) {
      const value = layers[i]!.get(key);
      if (value !== undefined) return value;
    }
    return undefined;
  }

  has(key: K): boolean {
    if (!this.filter.mayHave(key)) return false;
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

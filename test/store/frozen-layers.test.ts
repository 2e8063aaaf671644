/**
 * The stacked layers of the initial index (src/store/frozen-layers.ts): every key of every
 * layer is found, in the version that has it and in those stacked on it, and a key no layer
 * has (each id of the next part is looked up before it is stacked, and all are new) mostly
 * asks no layer at all.
 */
import { describe, expect, it } from 'vitest';
import { FrozenLayers } from '../../src/store/frozen-layers.js';

/** A real Map that counts the reads it answers. */
class CountingMap<K, V> extends Map<K, V> {
  reads = 0;
  override get(key: K): V | undefined {
    this.reads++;
    return super.get(key);
  }
  override has(key: K): boolean {
    this.reads++;
    return super.has(key);
  }
}

const ids = (prefix: string, from: number, to: number) => Array.from({ length: to - from }, (_, i) => `${prefix}${(from + i).toString(36).toUpperCase().padStart(10, '0')}`);
const layerOf = (keys: string[]) => new CountingMap(keys.map((k, i) => [k, i] as [string, number]));

describe('FrozenLayers', () => {
  it('finds every key in the versions that have it, and a missing key asks almost no layer', () => {
    const layers = [0, 1, 2, 3, 4, 5, 6, 7].map((n) => layerOf(ids('Q', n * 4000, (n + 1) * 4000)));
    const versions: Array<FrozenLayers<string, number>> = [new FrozenLayers([layers[0]!, layers[1]!])];
    for (const layer of layers.slice(2)) versions.push(versions.at(-1)!.with(layer));
    const top = versions.at(-1)!;
    expect(top.size).toBe(32_000);
    const wrong: string[] = [];
    for (const layer of layers) for (const [key, value] of layer) if (top.get(key) !== value || !top.has(key)) wrong.push(key);
    expect(wrong).toEqual([]);
    // An older version still has its own keys, and not the later layers' (which share its filter).
    expect(versions[0]!.get(ids('Q', 3, 4)[0]!)).toBe(3);
    expect(versions[0]!.get(ids('Q', 9000, 9001)[0]!)).toBeUndefined();
    expect(versions[0]!.has(ids('Q', 31_999, 32_000)[0]!)).toBe(false);

    for (const layer of layers) layer.reads = 0;
    const absent = ids('Q', 32_000, 42_000);
    expect(absent.filter((key) => top.get(key) !== undefined || top.has(key))).toEqual([]);
    const reads = layers.reduce((n, layer) => n + layer.reads, 0);
    // Asking every layer: 20,000 misses x 8 layers = 160,000 reads; the filter leaves a few.
    expect(reads).toBeLessThan(2_000);
  });

  it('takes keys that are not strings (no filter for them: every layer asked)', () => {
    const a = new Map([[1, 'one']]);
    const b = new Map([[2, 'two']]);
    const both = new FrozenLayers<number, string>([a, b]);
    expect([both.get(1), both.get(2), both.get(3), both.has(2), both.has(3)]).toEqual(['one', 'two', undefined, true, false]);
  });
});

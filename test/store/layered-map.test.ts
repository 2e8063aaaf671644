import { describe, expect, it } from 'vitest';
import { LayeredMap } from '../../src/store/layered-map.js';

describe('LayeredMap', () => {
  it('behaves like a Map under random changes, and old versions never change', () => {
    let seed = 3;
    const rand = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % n;
    };
    let map = LayeredMap.from(new Map(Array.from({ length: 5000 }, (_, i) => [`k${i}`, i] as [string, number])));
    const reference = new Map([...map]);
    const versions: Array<[LayeredMap<string, number>, Array<[string, number]>]> = [];
    for (let round = 0; round < 400; round++) {
      const sets: Array<[string, number]> = [];
      const deletes: string[] = [];
      for (let k = rand(40); k >= 0; k--) {
        const key = `k${rand(7000)}`;
        if (rand(3) === 0) deletes.push(key);
        else sets.push([key, round * 1000 + k]);
      }
      if (round % 50 === 0) versions.push([map, [...map]]);
      map = map.withChanges(sets, deletes);
      for (const [k, v] of sets) reference.set(k, v);
      for (const k of deletes) reference.delete(k);
      expect(map.size).toBe(reference.size);
    }
    expect(new Map(map)).toEqual(reference);
    expect([...map.keys()].sort()).toEqual([...reference.keys()].sort());
    expect([...map.values()].sort()).toEqual([...reference.values()].sort());
    for (const key of ['k1', 'k4999', 'k6999', 'nope']) {
      expect(map.get(key)).toBe(reference.get(key));
      expect(map.has(key)).toBe(reference.has(key));
    }
    let n = 0;
    map.forEach((v, k, m) => {
      expect(reference.get(k)).toBe(v);
      expect(m).toBe(map);
      n++;
    });
    expect(n).toBe(reference.size);
    for (const [old, snapshot] of versions) expect([...old]).toEqual(snapshot);
  });

  it('deleting an added key leaves no trace; deleting a missing key does nothing', () => {
    const a = LayeredMap.empty<string, number>();
    const b = a.withChanges([['x', 1]], []);
    const c = b.withChanges([], ['x', 'y']);
    expect([a.size, b.size, c.size]).toEqual([0, 1, 0]);
    expect([...c]).toEqual([]);
    expect(b.get('x')).toBe(1);
  });
});
